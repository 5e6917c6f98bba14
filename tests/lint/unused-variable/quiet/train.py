import os

print(os.environ["MODEL_NAME"])
