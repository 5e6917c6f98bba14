import os

print(bool(os.environ.get("MONITOR_API_KEY")), os.environ.get("MONITOR_ORG_ID"))
