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
    Rule("invalid-file", _ERROR, "the file can't be read as valohai.yaml: not UTF-8, empty, not YAML, or not a list "
                                 "of items"),
    Rule("duplicate-key", _WARNING, "a key is given twice in one mapping: YAML keeps the last, so the first is "
                                    "silently ignored"),
    Rule("valohai-yaml", _ERROR, "Valohai's own parser rejects it (error) or warns (warning; info where Valohai "
                                 "documents what valohai-yaml doesn't know)"),
    Rule("credential-in-default", _ERROR, "a default holds a credential: a URL with a user in it, or the value of a "
                                          "secret-looking variable"),
    Rule("secret-not-required", _WARNING, "a secret-looking variable is optional or has a default, so an execution "
                                          "can start without the real value"),
    Rule("log-leak", _ERROR, "a command can print a declared secret into the execution log, where Valohai "
                             "warns it can still be printed"),
    Rule("insecure-index-url", _ERROR, "an index URL with http://: the token would travel in clear text"),
    Rule("trusted-host", _WARNING, "--trusted-host turns off certificate checks for the index that gets the token"),
    Rule("dependency-confusion", _WARNING, "pip reads an extra index without hash-pinned requirements, so a public "
                                           "package can replace a private one"),
    Rule("pip-config-unquoted", _WARNING, "pip config set gets an unquoted $VAR, which the shell splits and globs"),
    Rule("requirements-dollar-variable", _ERROR, "a requirements file writes $VAR, which pip doesn't expand"),
    Rule("unknown-placeholder", _ERROR, "a {…} placeholder Valohai doesn't expand reaches the command as it is"),
    Rule("parameter-as-variable", _ERROR, "a command reads a parameter as $NAME, a variable the step doesn't "
                                          "define"),
    Rule("breaks-under-model", _ERROR, "the items are not a valid script under one way the platform may run them "
                                       "(error under the lines models, warning under ' && ' joining)"),
    Rule("bare-shell-c", _WARNING, "an item is `bash -c` alone: items are lines of one script, not the arguments "
                                   "of the item before"),
    Rule("status-masked", _WARNING, "a last item that can't fail decides the status after items that can"),
    Rule("not-posix-sh", _WARNING, "shellcheck, reading the items as /bin/sh (dash): its errors by default "
                                   "(warning where only dash is affected), more with --shellcheck-severity"),
    Rule("undeclared-variable", _INFO, "a command or requirements file uses a variable the step doesn't declare "
                                       "(a project variable may still set it)"),
    Rule("unused-variable", _INFO, "the step declares a variable that no command, requirements file or code in the "
                                   "repository reads (VH_* settings exempt)"),
]}
