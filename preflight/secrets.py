"""Secrets: committed in a default (a variable's or a parameter's), not required, or printed into the log.

Valohai warns that a secret can still be printed in execution logs. A command
that prints one secret leaks only in a step that has a secret to print: a
declared secret-looking variable, or a variable group whose contents the file
can't show. A command that prints every variable leaks in any step: the
project's secret variables and the organization's groups, where the guide keeps
the token, reach executions whether the step declares them or not.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from preflight.findings import Finding
from preflight.rules import Severity
from preflight.secretnames import USERINFO, not_a_secret
from preflight.shellwords import without_single_quotes
from preflight.step import StepContext
from preflight.variables import REFERENCE, names_a_variable

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
    (re.compile(r"\bcat\s+\S*(pip\.conf|\.netrc|\.pypirc)\b"),
     "cat prints {0}, with the credentials in it",
     "don't print {0}"),
]
# A redirection of standard output (> or >>, fd 1 or none) and its target.
_REDIRECT = re.compile(r"(?<![\w<>&])(?P<fd>\d?)>>?\s*(?P<target>[^\s;&|)]+)")
_TO_THE_LOG = ("&", "/dev/stdout", "/dev/stderr", "/dev/tty")
_PRINTS_EVERY_VARIABLE = re.compile(r"(?:^|[;&|(]\s*)(env|printenv|export -p|set)\s*($|[;&|)>])", re.MULTILINE)
# A parameter placeholder in the user part of a URL, or as the whole value of an index option.
_PARAMETER_IN_URL = re.compile(r"://[^\s/@'\"]*\{parameter(?:-value)?:(?P<inside>[\w.-]+)\}[^\s/@'\"]*@"
                               r"|(?:--(?:extra-)?index-url|-i)[\s=]+[\"']?\{parameter(?:-value)?:(?P<whole>[\w.-]+)\}")



def check(ctx: StepContext) -> Iterator[Finding]:
    yield from _declarations(ctx)
    yield from _parameters(ctx)
    yield from _every_variable(ctx)
    if ctx.may_hold_secrets:
        yield from _leaks(ctx)


def _declarations(ctx: StepContext) -> Iterator[Finding]:
    for name, var in ctx.declared.items():
        keys = ctx.variable_keys(name)
        default = (var.default or "").strip()
        if names_a_variable(default):
            continue  # unexpanded-default says what such a default does
        if default and USERINFO.search(default):
            yield ctx.finding("credential-in-default", f"the default of {name} is a URL with credentials; it is "
                              "committed and shown in the execution form",
                              "remove the default and keep the URL in a secret project or organization variable",
                              keys=(*keys, "default"), guide="keep-out-of-repository")
        elif name in ctx.secrets and default and not _PLACEHOLDER.search(default) and "://" not in default:
            yield ctx.finding("credential-in-default", f"{name} looks like a secret and its default looks like a real "
                              "value; it is committed and shown in the execution form",
                              "remove the default, revoke the value, and keep the new one in a secret project variable",
                              keys=(*keys, "default"), guide="keep-out-of-repository")
        elif name in ctx.secrets and (var.optional or var.default is not None) and not _explained(ctx, name, var):
            problem = ("has a default" if var.default is not None
                       else "is optional" if ctx.source.node(*ctx.keys, *keys, "optional") is not None
                       else "is optional (the default when optional: is not given)")
            yield ctx.finding("secret-not-required", f"{name} looks like a secret but {problem}, so an execution can "
                              "start without the real value", "declare it with optional: false and no default; keep the "
                              "value in a secret project variable", keys=keys, guide="declare-the-variable")


def _parameters(ctx: StepContext) -> Iterator[Finding]:
    """A parameter's default that a command puts in an index URL: parameters are shown, stored and committed."""
    parameters = list(ctx.step.parameters)
    for command in ctx.raw_commands:
        for match in _PARAMETER_IN_URL.finditer(command):
            name = match["inside"] or match["whole"]
            default = str(ctx.step.parameters[name].default or "") if name in ctx.step.parameters else ""
            is_token = match["inside"] and not _PLACEHOLDER.search(default) and not not_a_secret(default, name)
            if default and (is_token or (match["whole"] and USERINFO.search(default))):
                yield ctx.finding(
                    "credential-in-default",
                    f"the default of parameter {name} is a credential that the command puts in an index URL; it is "
                    "committed, and every execution shows its parameters' values",
                    "remove the parameter and keep the URL with its token in a secret variable, PIP_INDEX_URL",
                    keys=("parameters", parameters.index(name), "default"), guide="keep-out-of-repository")
                break


def _every_variable(ctx: StepContext) -> Iterator[Finding]:
    """env, printenv, set: an error where the step has a secret, a warning where only the project's may reach it."""
    for n, command in enumerate(ctx.commands):
        if match := _PRINTS_EVERY_VARIABLE.search(command):
            word = match.group(1)
            reaches = ("secrets included" if ctx.may_hold_secrets else
                       "and though the step declares no secret, the project's secret variables and the organization's "
                       "variable groups reach every execution that inherits them")
            yield ctx.finding("log-leak", f"{word} prints every variable into the log, {reaches}",
                              "print only the variables you need, by name (printenv HOME PATH), never a secret",
                              command=n, offset=command[: match.start()].count("\n"), guide="keep-out-of-logs",
                              severity=Severity.ERROR if ctx.may_hold_secrets else Severity.WARNING)


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


def _piped_away(rest: str) -> bool:
    """Whether what echo or printf prints goes into another program (``| base64 -d | gcloud …``), not the log:
    the command ends at a ``|`` and the next program doesn't print its input (``tee``, ``cat`` do)."""
    end = re.search(r"\|\||[;&\n]|\|", rest)
    if end is None or end[0] != "|":
        return False
    receiver = rest[end.end():].split()[:1]
    return receiver not in ([], ["tee"], ["cat"])


def _leaks(ctx: StepContext) -> Iterator[Finding]:
    for n, command in enumerate(ctx.commands):
        for pattern, message, fix in _LEAKS:
            if match := pattern.search(command):
                word = match.group(1)
                yield ctx.finding("log-leak", message.format(word), fix.format(word), command=n,
                                  offset=command[: match.start()].count("\n"), guide="keep-out-of-logs")
        visible = without_single_quotes(command)
        for m in REFERENCE.finditer(visible):
            if (name := m["braced"] or m["plain"]) in ctx.secrets:
                start = max(visible.rfind(sep, 0, m.start()) for sep in (";", "&", "|", "\n", "("))
                program = visible[start + 1:].split()[:1]
                if (program in (["echo"], ["printf"]) and not _piped_away(visible[m.end():])
                        and not _into_file(visible[start + 1:])):
                    yield ctx.finding("log-leak", f"{program[0]} prints the secret {name}",
                                      "print a fact about it instead, never the value", command=n,
                                      offset=visible[: m.start()].count("\n"), guide="keep-out-of-logs")


def _into_file(command: str) -> bool:
    """Whether the simple command ``command`` starts with sends its standard output to a file, not to the log."""
    end = min((i for i in (command.find(sep) for sep in (";", "&&", "||", "|", "\n", ")")) if i >= 0),
              default=len(command))
    return any(m["fd"] in ("", "1") and not m["target"].startswith(_TO_THE_LOG)
               for m in _REDIRECT.finditer(command[:end]))
