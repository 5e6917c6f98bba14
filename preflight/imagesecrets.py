"""Dockerfiles that put the token into the image: where each way keeps it, and the build secret that doesn't.

An image built in CI and run by Valohai executions is pulled by everyone who
runs it. A build argument is written into its history (every RUN after the ARG
records ``NAME=value``), an ENV value into its configuration (every container
gets it), and a file a COPY brings in stays in that layer whatever a later step
deletes. Docker's own build check (SecretsUsedInArgOrEnv) reads ARG and ENV
names only, and passes ``PIP_INDEX_URL``; this rule reads index URL names,
values with credentials, copied credential files and RUN lines too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from preflight import dockerfiles
from preflight.findings import Finding
from preflight.guide import link
from preflight.rules import RULES
from preflight.secretnames import USERINFO, not_a_secret, secret_name
from preflight.suppress import ignored_rules

RULE = "secret-in-image"
CREDENTIAL_FILES = {"pip.conf", "pip.ini", ".netrc", "_netrc", ".pypirc"}
# A URL whose password is written out: not $VAR, ${VAR} or $(cat /run/secrets/…), which a build secret can fill.
_LITERAL_USERINFO = re.compile(r"[a-z][a-z0-9+.-]*://[^/\s@:$'\"]+:[^/\s@$'\"]+@", re.IGNORECASE)
_REFERENCE = re.compile(r"\$\{?\w+")
FIX = ("use a build secret, which only the RUN step that needs it sees: RUN --mount=type=secret,id=pip-index-url,"
       "required=true PIP_INDEX_URL=\"$(cat /run/secrets/pip-index-url)\" pip install …, built with --secret "
       "id=pip-index-url,src=<a file outside the build context>")

def check(paths: list[Path]) -> Iterator[Finding]:
    """Every way each Dockerfile of ``paths`` keeps a secret in its image, but those a comment ignores."""
    for path in paths:
        try:
            instructions = dockerfiles.parse(path)
        except (OSError, ValueError):
            continue  # the builder says what is wrong with it
        lines = path.read_text(errors="replace").splitlines()
        for instruction in instructions:
            for message in _problems(instruction):
                if RULE not in ignored_rules(lines, instruction.line):
                    yield Finding(path, instruction.line, None, None, RULE, RULES[RULE].severity, message, FIX,
                                  link("image-secrets"))


def _problems(instruction: dockerfiles.Instruction) -> Iterator[str]:
    keyword, words = instruction.keyword, instruction.words
    if keyword == "ARG":
        for word in words:
            name, _, default = word.partition("=")
            if _holds_secret(name, default, default_only=False):
                yield (f"ARG {name}: the value of a build argument is written into the image's history, in every RUN "
                       "after it, for anyone who pulls the image to read")
    elif keyword == "ENV":
        pairs = list(zip(words[::2], words[1::2]))
        for name, value in pairs:
            if _holds_secret(name, value.strip("\"'"), default_only=True):
                yield (f"ENV {name}: the value stays in the image's configuration and history, and every execution "
                       "of the image gets it")
    elif keyword in ("COPY", "ADD") and not instruction.flag("from"):
        copied = sorted({Path(word).name for word in words} & CREDENTIAL_FILES)
        if copied:
            yield (f"{keyword} {copied[0]}: the file stays in the layer this step makes, even if a later step "
                   "deletes it")
    elif keyword == "RUN" and _LITERAL_USERINFO.search(instruction.command):
        yield "RUN: an index URL with its credentials written out is kept in the image's history"


def _holds_secret(name: str, value: str, default_only: bool) -> bool:
    """A value with credentials, or a secret's name whose value is not visibly something else (a path, a number, a
    URL without credentials). ``default_only``: the value given is the only one (ENV), not a default (ARG)."""
    if USERINFO.search(value):
        return True
    if not secret_name(name):
        return False
    if not value:
        return True  # filled in at build time: with the token
    if _REFERENCE.search(value):
        return True  # another variable's value, an ARG's: the token
    return not (not_a_secret(value, name) or (default_only and "://" in value))
