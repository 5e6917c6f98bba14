import os

WAREHOUSE = os.environ["SNOWFLAKE_WAREHOUSE"]
