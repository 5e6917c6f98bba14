pytest_plugins = ["harness.pytest_plugin", "pytester"]


def pytest_addoption(parser):
    """pytest-examples' options. pyproject.toml doesn't load that plugin (``-p no:examples``): it imports black,
    0.6 s in every pytest process; tests/test_docs_python.py takes its fixtures itself."""
    group = parser.getgroup("examples")
    group.addoption("--update-examples", action="store_true",
                    help="rewrite the #> comments of the pages' Python blocks to what they print")
    group.addoption("--update-examples-disable-summary", action="store_true",
                    help="don't print the summary of the blocks --update-examples changed")
