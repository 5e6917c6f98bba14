pytest_plugins = ["harness.pytest_plugin", "harness.pip_matrix_plugin"]
