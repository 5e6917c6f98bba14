"""Stand-in for the gcloud CLI, put where the image's Dockerfile installs it (``harness.images``).

It answers ``gcloud auth activate-service-account --key-file=FILE`` (``-``: standard
input) and ``gcloud auth print-access-token`` without Google: activation keeps the
key under ``~/.config/gcloud`` and makes its account the active one; the access
token is derived from the key's private key, and the harness's
Artifact Registry stand-in accepts exactly the token of the session's key.
Everything else fails loudly, as the harness's stub.
"""

import base64
import hashlib
import hmac
import json
import os
import sys

# The vendors' registry entries (harness/vendors.py) this stand-in follows: a test checks they exist.
FOLLOWS = ("gcloud-activate-service-account", "artifact-registry-access-token")


class StubError(Exception):
    """A request the stand-in doesn't answer: said as the harness's, not as Google's."""


def access_token(private_key: str) -> str:
    """An OAuth access token shaped like Google's (ya29.…), the same for the same key."""
    digest = hmac.new(private_key.encode(), b"https://www.googleapis.com/auth/cloud-platform", hashlib.sha256).digest()
    return "ya29.c." + base64.urlsafe_b64encode(digest * 4).decode().rstrip("=")


def _configuration() -> str:
    return os.environ.get("CLOUDSDK_CONFIG") or os.path.join(os.path.expanduser("~"), ".config", "gcloud")


def activate(key_file: str) -> None:
    text = sys.stdin.read() if key_file == "-" else open(key_file, encoding="utf-8").read()
    try:
        key = json.loads(text)
    except ValueError as error:
        raise StubError(f"the key is not JSON ({error}); only .json service account keys are answered") from None
    if key.get("type") != "service_account" or "client_email" not in key or "private_key" not in key:
        raise StubError("only a service account's .json key is answered")
    account = key["client_email"]
    folder = os.path.join(_configuration(), "legacy_credentials", account)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "adc.json"), "w", encoding="utf-8") as file:
        json.dump(key, file)
    configurations = os.path.join(_configuration(), "configurations")
    os.makedirs(configurations, exist_ok=True)
    with open(os.path.join(configurations, "config_default"), "w", encoding="utf-8") as file:
        file.write(f"[core]\naccount = {account}\n")
    sys.stderr.write(f"Activated service account credentials for: [{account}]\n")


def print_access_token() -> None:
    try:
        with open(os.path.join(_configuration(), "configurations", "config_default"), encoding="utf-8") as file:
            account = next(line.split("=", 1)[1].strip() for line in file if line.startswith("account"))
    except (OSError, StopIteration):
        raise StubError("no active account: only a service account activated with a key file is answered") from None
    with open(os.path.join(_configuration(), "legacy_credentials", account, "adc.json"), encoding="utf-8") as file:
        print(access_token(json.load(file)["private_key"]))


def main(argv=None) -> int:
    args = sys.argv[1:] if argv is None else argv
    try:
        if args[:2] == ["auth", "activate-service-account"]:
            files = [a.split("=", 1)[1] for a in args[2:] if a.startswith("--key-file=")]
            files += [b for a, b in zip(args[2:], args[3:]) if a == "--key-file"]
            if len(files) != 1:
                raise StubError("activate-service-account is answered with --key-file only")
            activate(files[0])
        elif args[:2] == ["auth", "print-access-token"] and len(args) == 2:
            print_access_token()
        else:
            raise StubError("only 'gcloud auth activate-service-account' and 'gcloud auth print-access-token' "
                            "are answered")
    except StubError as error:
        sys.stderr.write(f"gcloud (harness stub): {error}\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
