import os

for name in ("SNOWSQL_USER", "SNOWSQL_PWD", "SNOWSQL_PRIVATEKEY", "GCP_KEYFILE_CONTENTS_JSON"):
    print(name in os.environ)
