from importlib.metadata import version

import my_private_package  # noqa: F401 - from your private repository
import sklearn  # noqa: F401 - from PyPI, through the virtual repository

print("my-private-package", version("my-private-package"))
print("scikit-learn", version("scikit-learn"))
