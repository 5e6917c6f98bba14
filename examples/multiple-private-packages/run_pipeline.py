from importlib.metadata import version

import my_data_utils  # noqa: F401
import my_ml_library  # noqa: F401 - depends on numpy, a public package
import my_viz_tools  # noqa: F401

for name in ("my-ml-library", "my-data-utils", "my-viz-tools", "numpy"):
    print(name, version(name))
