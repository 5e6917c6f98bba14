"""Which declared variables hold a secret: read from the name's words, the description and the default.

A name is read as ``_``-separated words, not as a string to search: ``MAX_NEW_TOKENS``
and ``TOKENIZER_NAME`` hold no token, ``HF_TOKEN`` and ``RSPASSWORD`` do. A default
that is a number, a boolean, a path or a model id says what the variable holds
better than its name does, so such a variable holds no secret (``HF_TOKEN_PATH``
with ``/valohai/inputs/token/token.txt``), though a password may be only digits.
"""

from __future__ import annotations

import re

from valohai_yaml.objs.environment_variable import EnvironmentVariable

USERINFO = re.compile(r"[a-z][a-z0-9+.-]*://[^/\s@]+@", re.IGNORECASE)  # a URL with a user (and password) in it

# A word that is, or ends with, one of these names a secret: TOKEN, HFTOKEN, RSPASSWORD, GCP_KEYFILE_JSON.
# TOKENS and TOKENIZER don't end with TOKEN: a count of tokens and a tokenizer hold none.
_SECRET_WORDS = ("PASSWORD", "PASSWD", "PASSPHRASE", "TOKEN", "SECRET", "APIKEY", "PRIVATEKEY", "KEYFILE",
                 "CREDENTIAL", "CREDENTIALS")
_PASSWORD_WORDS = ("PASSWORD", "PASSWD", "PASSPHRASE", "PWD", "PASS")  # their values may be only digits
# Short words, a secret only as the last word of a longer name: PWD alone is the working directory.
_LAST_WORDS = {"PWD", "PASS", "PAT"}
# Two words that name a secret together: API_KEY, AWS_SECRET_ACCESS_KEY, SSH_PRIVATE_KEY.
_PAIRS = {("API", "KEY"), ("ACCESS", "KEY"), ("PRIVATE", "KEY")}
# A last word that says the variable is about a secret, not the secret: SECRET_NAME, HF_TOKEN_PATH,
# PASSWORD_MIN_LENGTH, TOKEN_FILE (Docker's *_FILE convention: a path to the secret), AWS_ACCESS_KEY_ID.
# URL is here for names like TOKEN_URL (an endpoint); index URLs, which carry a token in this guide,
# are read by _INDEX_NAME first, and any URL with a user in it is a secret whatever its name.
_ABOUT = {"NAME", "NAMES", "PATH", "FILE", "DIR", "ID", "LENGTH", "LEN", "MODE", "TYPE", "URL", "URI", "ENDPOINT",
          "HOST", "USER", "USERNAME", "HEADER", "PREFIX", "SIZE", "COUNT", "LIMIT", "TTL", "EXPIRY", "TIMEOUT",
          "ENABLED", "REQUIRED", "FORMAT", "VERSION", "FIELD", "COLUMN"}
# Words before TOKEN that make it a tokenizer's or a model's setting: MAX_TOKEN, PAD_TOKEN, EOS_TOKEN.
_TOKEN_SETTINGS = {"MAX", "MIN", "NUM", "N", "NEW", "EOS", "BOS", "PAD", "SEP", "UNK", "CLS", "MASK", "START", "END",
                   "STOP", "SPECIAL"}
# Variables whose value is a path by their tool's definition.
_PATH_NAMES = {"GOOGLE_APPLICATION_CREDENTIALS"}  # Google's client libraries read a key file's path from it
_INDEX_NAME = re.compile(r"(INDEX_URL|PYPI_URL|DEFAULT_INDEX)$")  # the guide's index URLs carry a token

_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_BOOLEAN = re.compile(r"^(true|false|yes|no|on|off)$", re.IGNORECASE)
_PATH = re.compile(r"^((/|\./|\.\./|~/|\$\{?\w+\}?/)\S*|[\w.-]+(/[\w.-]+)+\.[A-Za-z]\w{0,7})$")
# owner/name, as Hugging Face and other model hubs write it; a long unbroken run of letters and digits is
# more likely a key with a / in it (AWS secret keys have some).
_MODEL_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")
_RANDOM_RUN = re.compile(r"[A-Za-z0-9]{20,}")


def holds_secret(name: str, var: EnvironmentVariable) -> bool:
    """A URL with a user in its default, an index URL (unless its default is a URL without one), or a
    secret-looking name or description, unless the default shows the variable holds something else."""
    default = (var.default or "").strip()
    if USERINFO.search(default):
        return True
    if name in _PATH_NAMES or (default and not_a_secret(default, name)):
        return False
    if _INDEX_NAME.search(name):
        return not (default and "://" in default)
    return secret_word(name) is not None or "secret" in (var.description or "").lower()


def secret_name(name: str) -> bool:
    """Whether ``name`` says its variable holds a secret: an index URL (the guide's carry a token) or a secret word."""
    return bool(_INDEX_NAME.search(name.upper()) or secret_word(name))


def secret_word(name: str) -> str | None:
    """The words of ``name`` that name a secret (``TOKEN`` in ``HF_TOKEN``, ``API_KEY`` in ``WANDB_API_KEY``), or None."""
    words = [w for w in name.upper().split("_") if w]
    found = None  # (first, last) index of the words, the last such in the name
    for i, word in enumerate(words):
        before = words[i - 1] if i else None
        if (before, word) in _PAIRS:
            found = (i - 1, i)
        elif _is_secret_word(word, before, last=i == len(words) - 1):
            found = (i, i)
    if found is None or (found[1] < len(words) - 1 and words[-1] in _ABOUT):
        return None
    return "_".join(words[found[0]:found[1] + 1])


def _is_secret_word(word: str, before: str | None, last: bool) -> bool:
    if word in _LAST_WORDS:
        return last and before is not None
    return word.endswith(_SECRET_WORDS) and not (word == "TOKEN" and before in _TOKEN_SETTINGS)


def not_a_secret(value: str, name: str) -> bool:
    """A number, a boolean, a path or a model id: a setting, not a credential.

    A password may be any text, digits or ``word/word`` included, so for a password's
    name only a boolean or a path says it holds something else.
    """
    if _BOOLEAN.match(value) or _PATH.match(value):
        return True
    if (secret_word(name) or "").endswith(_PASSWORD_WORDS):
        return False
    return bool(_NUMBER.match(value) or (_MODEL_ID.match(value) and not _RANDOM_RUN.search(value)))
