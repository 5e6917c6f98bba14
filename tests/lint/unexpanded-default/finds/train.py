import os

print(os.environ["NGC_API_KEY"] != "", os.environ["DATA_DIR"])
