from importlib.metadata import version

import my_private_package  # noqa: F401

print("my-private-package", version("my-private-package"))
