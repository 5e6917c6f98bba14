import my_private_package
import torch

print(f"torch {torch.__version__}, my-private-package {my_private_package.__version__}")
