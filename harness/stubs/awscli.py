"""Stub of the AWS CLI, served by the harness's public index as the package ``awscli``.

It answers only ``aws codeartifact get-authorization-token``, without AWS: the
token is derived from the AWS secret key in the environment, and the harness's
CodeArtifact stand-in accepts exactly that token. Everything else fails loudly.
"""

import base64
import hashlib
import hmac
import json
import os
import sys

TOKEN_PREFIX = "eyJ2ZXIiOjEsImlzdSI6"  # CodeArtifact tokens are JWTs; theirs start like this


def authorization_token(secret_access_key: str, domain: str, owner: str) -> str:
    digest = hmac.new(secret_access_key.encode(), f"{domain}:{owner}".encode(), hashlib.sha256).digest()
    return TOKEN_PREFIX + base64.urlsafe_b64encode(digest * 3).decode().rstrip("=")


def main(argv=None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args[:2] != ["codeartifact", "get-authorization-token"]:
        print("aws (harness stub): only 'aws codeartifact get-authorization-token' is answered", file=sys.stderr)
        return 252
    options = dict(zip(args[2::2], args[3::2]))
    if not os.environ.get("AWS_ACCESS_KEY_ID") or not os.environ.get("AWS_SECRET_ACCESS_KEY"):
        print('\nUnable to locate credentials. You can configure credentials by running "aws configure".', file=sys.stderr)
        return 253
    token = authorization_token(
        os.environ["AWS_SECRET_ACCESS_KEY"], options.get("--domain", ""), options.get("--domain-owner", "")
    )
    if options.get("--query") == "authorizationToken" and options.get("--output") == "text":
        print(token)
    else:
        print(json.dumps({"authorizationToken": token, "expiration": "in 12 hours"}, indent=4))
    return 0


if __name__ == "__main__":
    sys.exit(main())
