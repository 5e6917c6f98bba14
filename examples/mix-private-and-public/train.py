from importlib.metadata import version

for name in ("my-private-models", "my-company-utils", "torch", "transformers"):
    print(name, version(name))
