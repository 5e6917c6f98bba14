import os

print("training", os.environ.get("EPOCHS", "10"))
