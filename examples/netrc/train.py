from importlib.metadata import version
from pathlib import Path

import my_private_package  # noqa: F401

print("my-private-package", version("my-private-package"))
print("~/.netrc exists:", (Path.home() / ".netrc").exists())
