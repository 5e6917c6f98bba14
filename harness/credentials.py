"""Fake but realistic credentials, and every form in which one must never be logged.

Each test session makes fresh ones: a token that leaked into a committed log
would be worthless anyway, and one that leaks in a run is caught by
``Secrets.exposed_in`` whole, percent-encoded, as Basic auth, or in part.
"""

from __future__ import annotations

import base64
import functools
import hmac
import json
import re
import secrets
import time
from dataclasses import dataclass
from urllib.parse import quote

from harness.stubs.awscli import authorization_token
from harness.stubs.gcloud import access_token

CODEARTIFACT_DOMAIN = ("acme", "111122223333")  # domain, domain owner (the AWS account)
CODEARTIFACT_REGION = "eu-west-1"
# Passwords with characters RFC 3986 doesn't allow unencoded in a URL's user information, by label.
SPECIAL_CHARACTERS = {"at-colon": "@:", "slash": "/", "hash": "#", "question": "?"}


@dataclass(frozen=True)
class Credentials:
    username: str
    password: str

    def userinfo(self) -> str:
        """The ``user:password`` part of a URL, percent-encoded as a URL needs ('+' may stay, as GitLab writes it)."""
        return f"{quote(self.username, safe='+')}:{quote(self.password, safe='+')}"

    def accepts(self, username: str, password: str) -> bool:
        return hmac.compare_digest(username, self.username) and hmac.compare_digest(password, self.password)


def fake_jfrog_token() -> str:
    """A fresh token shaped like a JFrog reference token (base64 of ``reftkn:01:<expiry>:<random>``)."""
    expiry = int(time.time()) + 30 * 24 * 3600
    raw = f"reftkn:01:{expiry}:{secrets.token_hex(20)}".encode()
    return base64.b64encode(raw).decode().rstrip("=").replace("+", "A").replace("/", "B")


def special_password(characters: str = "@:/#") -> str:
    """A fresh password with each of ``characters`` between random runs, as some token generators make them."""
    # Each run starts with a letter: a run of digits after ":" would read as a valid-looking port to pip, and the
    # recipes' logs would depend on the draw.
    runs = [secrets.choice("abcdef") + secrets.token_hex(5) for _ in range(len(characters) + 1)]
    return runs[0] + "".join(c + run for c, run in zip(characters, runs[1:]))


def fake_aws_keys() -> Credentials:
    """An access key ID and secret access key, shaped like AWS's."""
    upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
    return Credentials("AKIA" + _random(upper, 16), secrets.token_urlsafe(30)[:40])


def fake_service_account_key(project: str = "acme-ml", name: str = "valohai-ci") -> dict[str, str]:
    """A service account's JSON key as Google's console downloads it, with a fresh random private key."""
    body = base64.b64encode(secrets.token_bytes(1190)).decode()
    email = f"{name}@{project}.iam.gserviceaccount.com"
    return {
        "type": "service_account", "project_id": project, "private_key_id": secrets.token_hex(20),
        "private_key": "-----BEGIN PRIVATE KEY-----\n" + "\n".join(body[i:i + 64] for i in range(0, len(body), 64))
                       + "\n-----END PRIVATE KEY-----\n",
        "client_email": email, "client_id": str(secrets.randbelow(10**20) + 10**20),
        "auth_uri": "https://accounts.google.com/o/oauth2/auth", "token_uri": "https://oauth2.googleapis.com/token",
        "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
        "client_x509_cert_url": f"https://www.googleapis.com/robot/v1/metadata/x509/{quote(email)}",
        "universe_domain": "googleapis.com",
    }


def key_base64(key: dict[str, str]) -> str:
    """What gcloud artifacts print-settings python --json-key puts in the URL: the Base64 of the whole key file."""
    return base64.b64encode((json.dumps(key, indent=2) + "\n").encode()).decode()


def session_credentials() -> dict[str, Credentials]:
    """One session's credentials by label; the topology says which repository accepts which."""
    aws = fake_aws_keys()
    google = fake_service_account_key()
    lower = "abcdefghijklmnopqrstuvwxyz234567"
    return {
        "private": Credentials("valohai-ci", fake_jfrog_token()),
        "private-revoked": Credentials("valohai-ci", fake_jfrog_token()),
        "secondary": Credentials("ml-team-ci", fake_jfrog_token()),
        "no-read": Credentials("data-team-ci", fake_jfrog_token()),  # valid, without Read on the repository
        "team-a": Credentials("team-a-ci", fake_jfrog_token()),  # Read on team A's repository only
        "team-b": Credentials("team-b-ci", fake_jfrog_token()),  # Read on team B's repository only
        "both-teams": Credentials("ml-platform-ci", fake_jfrog_token()),  # Read on both
        "special": Credentials("jane.doe@acme.com", special_password()),
        **{f"special-{name}": Credentials("jane.doe@acme.com", special_password(chars))
           for name, chars in SPECIAL_CHARACTERS.items()},
        "aws": aws,
        "aws-without-bearer-token": fake_aws_keys(),  # its IAM user lacks sts:GetServiceBearerToken
        "aws-deleted": fake_aws_keys(),  # keys AWS doesn't know: deleted, or mistyped
        "codeartifact": Credentials("aws", authorization_token(aws.password, *CODEARTIFACT_DOMAIN)),
        "artifact-registry": Credentials("oauth2accesstoken", access_token(google["private_key"])),
        "artifact-registry-key": Credentials("_json_key_base64", key_base64(google)),
        "gcp-key": Credentials(google["client_email"], json.dumps(google)),  # the key file, known by its private key
        "azure-artifacts": Credentials("azure", _random(lower, 52)),
        "gitlab": Credentials("gitlab+deploy-token-1234567", "gldt-" + secrets.token_urlsafe(15).replace("-", "x")),
        "nexus": Credentials("valohai-ci", secrets.token_urlsafe(18)),
        "pypiserver": Credentials("valohai-ci", secrets.token_urlsafe(18)),
        "devpi": Credentials("valohai-ci", secrets.token_urlsafe(18)),
    }


def _private_key(text: str) -> str | None:
    """The private key of a JSON key file's text (a Google service account's), or None if it isn't one."""
    if not text.startswith("{"):
        return None
    try:
        key = json.loads(text).get("private_key")
    except (ValueError, AttributeError):
        return None
    if not isinstance(key, str):
        return None
    return re.sub(r"-----(?:BEGIN|END) [A-Z ]+-----", "", key).strip()  # PEM's armour is every key's and certificate's


def _random(alphabet: str, length: int) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(length))


@dataclass(frozen=True)
class Secret:
    """A credential the harness hands out, and every form in which it must never be logged."""

    label: str
    credentials: Credentials

    @functools.cached_property
    def forms(self) -> dict[str, str]:
        c = self.credentials
        if (key := _private_key(c.password)) is not None:
            # A key file: what identifies it is its private key. Its field names ("private_key") are in
            # every key file, and a log that shows a package named my_private_package leaks nothing.
            return {"private key": key}
        basic = base64.b64encode(f"{c.username}:{c.password}".encode()).decode()
        forms = {
            "password": c.password,
            "percent-encoded password": c.userinfo().split(":", 1)[1],
            "base64 of user:password": basic,
        }
        return {name: value for name, value in forms.items() if value}


class Secrets(list):
    """The session's secrets, and where they show in a text, whole or in part."""

    MIN_PIECE = 8  # a run this long of a secret is a leak, even when the rest is masked

    @classmethod
    def of(cls, credentials: dict[str, Credentials]) -> Secrets:
        return cls(Secret(label, creds) for label, creds in credentials.items())

    def exposed_in(self, text: str) -> list[tuple[Secret, str, str]]:
        """(secret, form, piece) for each form whose value, or an identifying run of it, is in ``text``.

        A run counts only if no other secret contains it: tokens of one kind share
        structure (JFrog's ``reftkn:01:`` prefix), which identifies nobody.
        """
        windows = _windows(text, self.MIN_PIECE)
        found = []
        for secret in self:
            for form, value in secret.forms.items():
                if value in text:
                    found.append((secret, form, value))
                elif windows.isdisjoint(_secret_windows(value, self.MIN_PIECE)):
                    continue  # the usual case: not even eight characters in common
                else:
                    others = [v for other in self if other is not secret for v in other.forms.values()]
                    found += [
                        (secret, f"part of the {form}", piece)
                        for piece in _runs_in(value, text, windows, self.MIN_PIECE)
                        if not any(piece in other for other in others)
                    ]
        return found

    def hide(self, text: str, mask: str = "****") -> str:
        """``text`` with every form of every secret, and every identifying run of one, replaced by ``mask``."""
        pieces = sorted({piece for _, _, piece in self.exposed_in(text)}, key=len, reverse=True)
        for piece in pieces:
            text = text.replace(piece, mask)
        return text


def _windows(text: str, width: int) -> frozenset[str]:
    """Every ``width``-long slice of ``text``."""
    return frozenset(text[i : i + width] for i in range(len(text) - width + 1))


_secret_windows = functools.lru_cache(maxsize=256)(_windows)  # secrets don't change; logs always do


def _runs_in(value: str, text: str, windows: frozenset[str], shortest: int) -> list[str]:
    """The longest runs of ``value``, ``shortest`` characters or more, that occur in ``text``.

    ``windows`` holds every ``shortest``-long slice of ``text``, so most starts cost one lookup.
    """
    runs, start = [], 0
    while start <= len(value) - shortest:
        end = start + shortest
        if value[start:end] not in windows:
            start += 1
            continue
        while end < len(value) and value[start : end + 1] in text:
            end += 1
        runs.append(value[start:end])
        start = end
    return runs
