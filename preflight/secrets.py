"""Secrets: committed in a default, not required, or printed into the log.

Valohai warns that a secret can still be printed in execution logs, so a command
that prints every variable is a leak, but only in a step that has a secret to print: a declared
secret-looking variable, or a variable group whose contents the file can't show.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from preflight.findings import Finding
from preflight.secretnames import USERINFO
from preflight.shellwords import without_single_quotes
from preflight.step import StepContext
from preflight.variables import REFERENCE

# Defaults that stand for a value rather than being one: the whole value, or a marker in it (sk-REPLACE-ME).
_PLACEHOLDER = re.compile(r"^(|\$\{?\w+\}?|x+|\*+|\.+|secret|token|password|none|null|todo|dummy)$"  # the whole value
                          r"|<[^<>]*>|(replace|change)[-_ ]?me|\byour[-_ ]|x{4,}|\*{3,}|example|placeholder",
                          re.IGNORECASE)

_LEAKS = [
    (re.compile(r"\bpip[\d.]*\s+config\s+(list|get|debug)\b"),
     "pip config {0} prints pip's configuration, tokens in index URLs included",
     "don't print pip's configuration; check the index with pip install --dry-run"),
    (re.compile(r"\bcurl\b[^;&|]*\s(-[A-Za-z]*v[A-Za-z]*|--verbose|--trace(?:-ascii)?)\b"),
     "curl {0} prints the Authorization header, whose Base64 is the user and token",
     "drop {0}; print only the status: curl -sS -o /dev/null -w '%{{http_code}}' \"$URL\""),
    (re.compile(r"(?:^|[;&|]\s*)set\s+(-[A-Za-z]*x[A-Za-z]*|-o\s+xtrace)\b", re.MULTILINE),
     "set {0} echoes every command with its variables expanded",
     "remove set {0}"),
    (re.compile(r"\b(?:ba|da)?sh\s+(-[A-Za-z]*x[A-Za-z]*)\b"),
     "sh {0} echoes every command with its variables expanded",
     "drop {0}"),
    (re.compile(r"(?:^|[;&|(]\s*)(env|printenv|export -p|set)\s*($|[;&|)>])", re.MULTILINE),
     "{0} prints every variable, secrets included",
     "print only the variables you need, never a secret"),
    (re.compile(r"\bcat\s+\S*(pip\.conf|\.netrc|\.pypirc)\b"),
     "cat prints {0}, with the credentials in it",
     "don't print {0}"),
]


def check(ctx: StepContext) -> Iterator[Finding]:
    yield from _declarations(ctx)
    if ctx.may_hold_secrets:
        yield from _leaks(ctx)


def _declarations(ctx: StepContext) -> Iterator[Finding]:
    for name, var in ctx.declared.items():
        keys = ctx.variable_keys(name)
        default = (var.default or "").strip()
        if default and USERINFO.search(default):
            yield ctx.finding("credential-in-default", f"the default of {name} is a URL with credentials; it is "
                              "committed and shown in the execution form",
                              "remove the default and keep the URL in a secret project or organization variable",
                              keys=(*keys, "default"))
        elif name in ctx.secrets and default and not _PLACEHOLDER.search(default) and "://" not in default:
            yield ctx.finding("credential-in-default", f"{name} looks like a secret and its default looks like a real "
                              "value; it is committed and shown in the execution form",
                              "remove the default, revoke the value, and keep the new one in a secret project variable",
                              keys=(*keys, "default"))
        elif name in ctx.secrets and (var.optional or var.default is not None) and not _explained(ctx, name, var):
            problem = ("has a default" if var.default is not None
                       else "is optional" if ctx.source.node(*ctx.keys, *keys, "optional") is not None
                       else "is optional (the default when optional: is not given)")
            yield ctx.finding("secret-not-required", f"{name} looks like a secret but {problem}, so an execution can "
                              "start without the real value", "declare it with optional: false and no default; keep the "
                              "value in a secret project variable", keys=keys)


# A description that says when the value is needed: "Only used if RSUSEIAM is false."
_CONDITION = re.compile(r"\b(only|if|when|unless|instead|otherwise|alternatively|optional)\b", re.IGNORECASE)


def _explained(ctx: StepContext, name: str, var) -> bool:
    """An optional secret the file says is needed only some of the time: its description says when, or another
    variable chooses it ("0 = Use GCP_KEYFILE_CONTENTS_JSON"). Requiring it would break the other way in."""
    if var.default is not None:
        return False
    if _CONDITION.search(var.description or ""):
        return True
    return any(re.search(rf"\b{re.escape(name)}\b", other.description or "")
               for other_name, other in ctx.declared.items() if other_name != name)


def _leaks(ctx: StepContext) -> Iterator[Finding]:
    for n, command in enumerate(ctx.commands):
        for pattern, message, fix in _LEAKS:
            if match := pattern.search(command):
                word = match.group(1)
                yield ctx.finding("log-leak", message.format(word), fix.format(word), command=n,
                                  offset=command[: match.start()].count("\n"))
        visible = without_single_quotes(command)
        for m in REFERENCE.finditer(visible):
            if (name := m["braced"] or m["plain"]) in ctx.secrets:
                start = max(visible.rfind(sep, 0, m.start()) for sep in (";", "&", "|", "\n", "("))
                program = visible[start + 1:].split()[:1]
                if program in (["echo"], ["printf"]):
                    yield ctx.finding("log-leak", f"{program[0]} prints the secret {name}",
                                      "print a fact about it instead, never the value", command=n,
                                      offset=visible[: m.start()].count("\n"))
