import os
from importlib.metadata import version

import my_private_package  # noqa: F401

print("my-private-package", version("my-private-package"))
print("PIP_INDEX_URL in the environment:", "PIP_INDEX_URL" in os.environ)
