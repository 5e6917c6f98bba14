from importlib.metadata import version

import package_from_primary  # noqa: F401
import package_from_secondary  # noqa: F401

for name in ("package-from-primary", "package-from-secondary"):
    print(name, version(name))
