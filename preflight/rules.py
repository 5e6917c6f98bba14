"""Every rule the lint has: its name, its severity and what it finds (data only).

Severities say what a finding means on the platform: ``error`` will fail or leak
there, ``warning`` is likely wrong, ``info`` is style or a practice the guide
recommends. A user's gate is ``error``; the guide's own recipes fail on anything.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Severity(enum.IntEnum):
    INFO = 1
    WARNING = 2
    ERROR = 3

    def __str__(self) -> str:
        return self.name.lower()

    @classmethod
    def named(cls, name: str) -> Severity:
        return cls[name.upper()]


@dataclass(frozen=True)
class Rule:
    name: str
    severity: Severity  # the usual one; a finding may say otherwise where the rule's text explains why
    summary: str


_ERROR, _WARNING, _INFO = Severity.ERROR, Severity.WARNING, Severity.INFO

RULES = {rule.name: rule for rule in [
    Rule("invalid-file", _ERROR, "the file can't be read as valohai.yaml (not UTF-8, empty, not YAML, not a list of "
                                 "items), or it defines no step, so Valohai has nothing to run"),
    Rule("duplicate-key", _WARNING, "a key is given twice in one mapping: YAML keeps the last, so the first is "
                                    "silently ignored"),
    Rule("valohai-yaml", _ERROR, "Valohai's own parser rejects it (error) or warns (warning; info where Valohai "
                                 "documents what valohai-yaml doesn't know)"),
    Rule("credential-in-default", _ERROR, "a default holds a credential: a URL with a user in it, the value of a "
                                          "secret-looking variable, or a parameter's token that goes into an index URL"),
    Rule("unexpanded-default", _WARNING, "a variable's default writes $NAME or ${NAME}, which Valohai passes as "
                                         "literal text (error for a secret: it stands in for the missing value)"),
    Rule("secret-not-required", _WARNING, "a secret-looking variable is optional or has a default, so an execution "
                                          "can start without the real value"),
    Rule("index-url-without-credentials", _WARNING, "an index URL variable defaults to a private index's URL without "
                                                    "credentials: pip asks for a user name and stops"),
    Rule("log-leak", _ERROR, "a command prints a secret into the execution log, where Valohai warns it can still be "
                             "printed (warning: it prints every variable in a step that declares no secret)"),
    Rule("secret-in-image", _ERROR, "a Dockerfile keeps the token in the image: a secret-looking ARG (history) or ENV "
                                    "(configuration), a pip.conf or .netrc copied in (a layer, even if deleted later), "
                                    "or an index URL with credentials in a RUN line (history)"),
    Rule("keyring-behind-its-index", _WARNING, "a keyring package is installed from the index it is meant to open "
                                               "(PIP_INDEX_URL for the whole step): it gets the 401 it should answer"),
    Rule("keyring-not-asked", _WARNING, "the step installs a keyring, but under --no-input (PIP_NO_INPUT) pip's "
                                        "default keyring provider never asks it"),
    Rule("netrc-left-behind", _WARNING, "a ~/.netrc the step writes is still in place when a later command, such as "
                                        "the training code, runs: it can read the token"),
    Rule("insecure-index-url", _ERROR, "an index URL with http://: the token would travel in clear text"),
    Rule("trusted-host", _WARNING, "--trusted-host turns off certificate checks for the index that gets the token"),
    Rule("dependency-confusion", _WARNING, "pip reads an extra index without hash-pinned requirements, so a public "
                                           "package can replace a private one"),
    Rule("index-url-overrides-variable", _WARNING, "--index-url on a pip command in a step that gets PIP_INDEX_URL: "
                                                   "that command doesn't use the private index (info where only a "
                                                   "variable group may supply it)"),
    Rule("uv-ignores-pip-variables", _ERROR, "uv installs in a step whose only index setting is PIP_* or pip's "
                                             "configuration, which uv doesn't read: it installs from PyPI"),
    Rule("uv-index-credentials-unmatched", _WARNING, "UV_INDEX_<NAME>_USERNAME or _PASSWORD names an index the "
                                                       "step doesn't have: uv sends the credentials nowhere"),
    Rule("pip-config-unquoted", _WARNING, "pip config set gets an unquoted $VAR, which the shell splits and globs"),
    Rule("unquoted-requirement", _WARNING, "pip install pkg>=1.2 unquoted: the shell reads > as a redirection and "
                                           "drops the version (error for <: the command fails)"),
    Rule("requirements-dollar-variable", _ERROR, "a requirements file writes $VAR, which pip doesn't expand"),
    Rule("unknown-placeholder", _ERROR, "a {…} placeholder Valohai doesn't expand reaches the command as it is"),
    Rule("parameters-not-passed", _WARNING, "the step declares parameters, but no {parameters} or {parameter:…} puts "
                                            "them in the command, and no code reads /valohai/config/parameters.json"),
    Rule("parameter-as-variable", _ERROR, "a command reads a parameter as $NAME, a variable the step doesn't "
                                          "define"),
    Rule("breaks-under-model", _ERROR, "the items are not a valid script when run as lines of one script (info "
                                       "where only the local emulators' ' && ' joining breaks them)"),
    Rule("bare-shell-c", _WARNING, "an item is `bash -c` alone: items are lines of one script, not the arguments "
                                   "of the item before"),
    Rule("status-masked", _WARNING, "a last item that can't fail decides the status after items that can"),
    Rule("export-masks-failure", _WARNING, "export NAME=\"$(cmd)\" exits 0 when cmd fails, so set -e doesn't stop "
                                           "the step and what follows gets an empty value"),
    Rule("not-posix-sh", _WARNING, "shellcheck, reading the items as /bin/sh (dash): its errors by default "
                                   "(warning where only dash is affected), more with --shellcheck-severity"),
    Rule("undeclared-variable", _INFO, "a command or requirements file uses a variable the step doesn't declare "
                                       "(a project variable may still set it)"),
    Rule("unused-variable", _INFO, "the step declares a variable that no command, requirements file or code in the "
                                   "repository reads (VH_* settings exempt)"),
]}
