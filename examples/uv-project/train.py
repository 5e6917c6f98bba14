import my_private_package
import sklearn

print(f"my-private-package {my_private_package.__version__}, scikit-learn {sklearn.__version__}")
