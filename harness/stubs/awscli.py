"""Stand-in for the AWS CLI (version 1, what ``pip install awscli`` gives), served by the harness's PyPI.

It answers ``aws codeartifact get-authorization-token`` and ``aws codeartifact
login --tool pip`` without AWS. The account it answers for (IAM users' access
key IDs, a hash of each secret key, their permissions, and the CodeArtifact
repository's address) is a file the harness writes into each execution's image
(``harness.awsaccount``). The token is derived from the secret key; the
harness's CodeArtifact stand-in accepts exactly that token. What it prints is
the CLI's own format (botocore's ``ClientError``, ``login``'s two lines); the
error texts AWS doesn't document are listed in ``harness.fidelity``.
Everything else fails loudly, as the harness's stub.
"""

import base64
import datetime
import hashlib
import hmac
import json
import os
import subprocess
import sys

TOKEN_PREFIX = "eyJ2ZXIiOjEsImlzdSI6"  # CodeArtifact tokens are JWTs; theirs start like this
ACCOUNT_FILE = os.path.join("share", "harness", "aws-account.json")  # below the image's /usr/local (sys.prefix)
DEFAULT_DURATION = 43200  # 12 hours: login's and GetAuthorizationToken's default
# The vendors' registry entries (harness/vendors.py) this stand-in follows: a test checks they exist.
FOLLOWS = ("codeartifact-pip", "codeartifact-token-permissions", "codeartifact-token-duration", "codeartifact-login-pip",
           "aws-cli-login-source", "aws-cli-client-error", "aws-access-denied-message")
# The messages AWS's services send (botocore prints them after its own prefix). For wrong keys AWS documents no
# text for CodeArtifact: these are the ones public reports show from AWS JSON APIs (harness/fidelity.py says so).
UNKNOWN_KEY = ("UnrecognizedClientException", "The security token included in the request is invalid.")
WRONG_SECRET = ("InvalidSignatureException", "The request signature we calculated does not match the signature you "
                "provided. Check your AWS Secret Access Key and signing method. Consult the service documentation "
                "for details.")


class ClientError(Exception):
    """botocore's: 'An error occurred ({code}) when calling the {operation} operation: {message}'."""

    def __init__(self, code: str, operation: str, message: str):
        super().__init__(f"An error occurred ({code}) when calling the {operation} operation: {message}")


class StubError(Exception):
    """A request the stand-in doesn't answer: said as the harness's, not as AWS's."""


def authorization_token(secret_access_key: str, domain: str, owner: str) -> str:
    digest = hmac.new(secret_access_key.encode(), f"{domain}:{owner}".encode(), hashlib.sha256).digest()
    return TOKEN_PREFIX + base64.urlsafe_b64encode(digest * 3).decode().rstrip("=")


def secret_hash(access_key_id: str, secret_access_key: str) -> str:
    return hashlib.sha256(f"{access_key_id}:{secret_access_key}".encode()).hexdigest()


def _options(args: list) -> dict:
    """``--name value`` pairs and ``--flag``s, as the CLI's parser reads them."""
    options, at = {}, 0
    while at < len(args):
        if not args[at].startswith("--"):
            raise StubError(f"unexpected argument {args[at]!r}")
        if at + 1 < len(args) and not args[at + 1].startswith("--"):
            options[args[at]], at = args[at + 1], at + 2
        else:
            options[args[at]], at = True, at + 1
    return options


def _account() -> dict:
    with open(os.path.join(sys.prefix, ACCOUNT_FILE), encoding="utf-8") as file:
        return json.load(file)


def _caller(account: dict, operation: str, allowed: tuple) -> None:
    """The IAM user the environment's keys belong to, after AWS's checks: known key, right secret, permissions."""
    key, secret = os.environ["AWS_ACCESS_KEY_ID"], os.environ["AWS_SECRET_ACCESS_KEY"]
    user = account["users"].get(key)
    if user is None:
        raise ClientError(UNKNOWN_KEY[0], operation, UNKNOWN_KEY[1])
    if not hmac.compare_digest(user["secret_sha256"], secret_hash(key, secret)):
        raise ClientError(WRONG_SECRET[0], operation, WRONG_SECRET[1])
    arn = f"arn:aws:iam::{account['account']}:user/{user['name']}"
    for action, on in allowed:
        if action not in user["allows"]:
            # IAM's documented access-denied format; AWS documents no text for sts:GetServiceBearerToken here.
            where = f" on resource: {on}" if on else ""
            raise ClientError("AccessDeniedException", operation, f"User: {arn} is not authorized to perform: "
                              f"{action}{where} because no identity-based policy allows the {action} action")


def _domain(account: dict, options: dict) -> tuple:
    domain, owner = options.get("--domain"), options.get("--domain-owner", account["account"])
    if (domain, owner) != (account["domain"], account["account"]):
        raise StubError(f"only the domain {account['domain']} of account {account['account']} is answered")
    return domain, owner


def get_authorization_token(account: dict, options: dict) -> tuple:
    """GetAuthorizationToken: the token and its expiry, for a caller allowed both permissions it requires."""
    domain, owner = _domain(account, options)
    duration = int(options.get("--duration-seconds") or DEFAULT_DURATION)
    if duration != 0 and not 900 <= duration <= 43200:
        raise StubError(f"durationSeconds {duration} is outside 0 and 900-43200, which the stand-in doesn't answer")
    domain_arn = f"arn:aws:codeartifact:{account['region']}:{owner}:domain/{domain}"
    _caller(account, "GetAuthorizationToken",
            (("codeartifact:GetAuthorizationToken", domain_arn), ("sts:GetServiceBearerToken", "")))
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    expiration = now + datetime.timedelta(seconds=duration or DEFAULT_DURATION)
    return authorization_token(os.environ["AWS_SECRET_ACCESS_KEY"], domain, owner), expiration


def relative(remaining: datetime.timedelta) -> str:
    """login's 'expires in' wording (awscli's get_relative_expiration_time), for up to 12 hours."""
    minutes = int((remaining + datetime.timedelta(seconds=30)).total_seconds()) // 60
    values, previous = [], False
    for value, unit in ((minutes // 60, "hour"), (minutes % 60, "minute")):
        if value > 0:
            values += ["and"] if previous else []
            values += [str(value), unit if value == 1 else unit + "s"]
        if previous:
            break
        previous = value > 0
    return " ".join(values)


def login(account: dict, options: dict) -> None:
    """``login --tool pip``: runs ``pip config set global.index-url https://aws:<token>@<endpoint>simple/``."""
    if options.get("--tool") != "pip":
        raise StubError("only login --tool pip is answered")
    if options.get("--duration-seconds") == "0":
        options = {k: v for k, v in options.items() if k != "--duration-seconds"}  # login drops a 0 (awscli)
    token, expiration = get_authorization_token(account, options)
    domain, owner = _domain(account, options)
    repository = options.get("--repository")
    _caller(account, "GetRepositoryEndpoint", (("codeartifact:GetRepositoryEndpoint", ""),))
    endpoint = account["repositories"].get(f"{domain}/{owner}/{repository}")
    if endpoint is None:
        raise StubError(f"no repository {repository!r} in the stand-in's domain")
    scheme, rest = endpoint.split("://", 1)
    command = ["pip", "config", "set", "global.index-url", f"{scheme}://aws:{token}@{rest}simple/"]
    try:
        subprocess.run(command, capture_output=True, check=True)
    except subprocess.CalledProcessError as error:
        message = str(error).replace(token, "******")
        raise RuntimeError(message + f" Stderr from command:\n{error.stderr.decode()}") from None
    remaining = expiration - datetime.datetime.now(datetime.timezone.utc)
    sys.stdout.write(f"Successfully configured pip to use AWS CodeArtifact repository {endpoint} \n")
    sys.stdout.write(f"Login expires in {relative(remaining)} at {expiration}\n")


def main(argv=None) -> int:
    args = sys.argv[1:] if argv is None else argv
    try:
        if args[:1] != ["codeartifact"] or args[1:2] not in (["get-authorization-token"], ["login"]):
            raise StubError("only 'aws codeartifact get-authorization-token' and 'aws codeartifact login' are answered")
        options = _options(args[2:])
        if not os.environ.get("AWS_ACCESS_KEY_ID") or not os.environ.get("AWS_SECRET_ACCESS_KEY"):
            sys.stderr.write('Unable to locate credentials. You can configure credentials by running "aws configure".\n')
            return 255
        account = _account()
        region = options.get("--region") or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
        if not region:
            sys.stderr.write('You must specify a region. You can also configure your region by running '
                             '"aws configure".\n')
            return 255
        if region != account["region"]:
            raise StubError(f"only the region {account['region']} is answered")
        if args[1] == "login":
            login(account, options)
            return 0
        if options.get("--query") != "authorizationToken" or options.get("--output") != "text":
            raise StubError("get-authorization-token is answered with --query authorizationToken --output text only")
        print(get_authorization_token(account, options)[0])
        return 0
    except StubError as error:
        sys.stderr.write(f"aws (harness stub): {error}\n")
        return 255
    except (ClientError, RuntimeError) as error:  # the CLI's write_exception: a blank line, the message
        sys.stderr.write(f"\n{error}\n")
        return 255


if __name__ == "__main__":
    sys.exit(main())
