"""Variables: used but not declared, declared but not read, defaults that name another variable, parameters read
as variables, ``$VAR`` in requirements.

A variable a step doesn't declare may still come from a project variable, so
that is ``info``; a parameter read as ``$NAME`` is empty for sure. A declared
variable that nothing in the commands reads may be read by the repository's
code, or by Valohai itself (``VH_*``): only a variable none of them reads is
reported, as ``info``. Valohai passes a default as it is written, so a default
``${NAME}`` is that text, not NAME's value.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from preflight.findings import Finding
from preflight.rules import Severity
from preflight.shellwords import without_single_quotes
from preflight.step import StepContext

# Variables every image or Valohai itself provides.
_PROVIDED = {"HOME", "PATH", "PWD", "OLDPWD", "USER", "SHELL", "TMPDIR", "HOSTNAME", "LANG", "IFS", "RANDOM", "LINENO"}
# Variables that tools read by name, so a step may declare them without a command mentioning them.
_TOOL_PREFIXES = ("PIP_", "UV_", "PYTHON", "AWS_", "VH_")

REFERENCE = re.compile(r"(?<!\\)\$(?:\{(?P<braced>[A-Za-z_]\w*)(?P<modifier>[^}]*)\}|(?P<plain>[A-Za-z_]\w*))")
# A default that names a variable: ${NAME} anywhere, or $NAME as the whole value ("pa$$word" may be a password).
_NAMES_A_VARIABLE = re.compile(r"^\s*\$(?P<plain>[A-Za-z_]\w*)\s*$|\$\{(?P<braced>[A-Za-z_]\w*)[^}]*\}")
_ASSIGNED = re.compile(r"(?:^|[\s;&|(])(?:export\s+|readonly\s+|local\s+)?(?P<name>[A-Za-z_]\w*)=")
_BOUND = re.compile(r"\b(?:for|read(?:\s+-\w+)*|export)\s+(?P<name>[A-Za-z_]\w*)")
_REQUIREMENTS_OPTION = re.compile(r"(?:^|\s)(?:-r|--requirement|-c|--constraint)[\s=]+(?P<file>[^\s;&|]+)")


def check(ctx: StepContext) -> Iterator[Finding]:
    yield from _unexpanded_defaults(ctx)
    assigned: set[str] = set()
    used: set[str] = set()
    parameters = set(ctx.step.parameters)
    for n, command in enumerate(ctx.commands):
        visible = without_single_quotes(command)
        assigned |= {m["name"] for m in _ASSIGNED.finditer(visible)} | {m["name"] for m in _BOUND.finditer(visible)}
        for m in REFERENCE.finditer(visible):
            name = m["braced"] or m["plain"]
            used.add(name)
            if name in ctx.declared or name in assigned or _provided(name) or (m["modifier"] or "").startswith((":-", "-", ":=", "=", ":+", "+")):
                continue
            if name in parameters:
                yield ctx.finding(
                    "parameter-as-variable",
                    f"${name} is the parameter {name}, but Valohai passes parameters on the command line, not as "
                    "environment variables, so it is empty here",
                    f"write {{parameter-value:{name}}} instead of ${name}",
                    command=n, offset=visible[: m.start()].count("\n"),
                )
            else:
                yield ctx.finding(
                    "undeclared-variable",
                    f"${name} is not declared in environment-variables, not set by Valohai, and not set by an earlier "
                    "command; unless a project variable sets it, the execution runs with it empty",
                    f"declare it: - name: {name} (with optional: false if the step needs it)",
                    command=n, offset=visible[: m.start()].count("\n"),
                )
        for relative in (m["file"] for m in _REQUIREMENTS_OPTION.finditer(command)):
            if (path := ctx.code.file(relative)) is not None:
                yield from _requirements(ctx, n, path, used)
    unread = {name for name in ctx.declared if name not in used and not name.startswith(_TOOL_PREFIXES)}
    for name in sorted(unread - ctx.code.reads(unread), key=list(ctx.declared).index):
        read_by = ("no command, requirements file or code in the repository reads it" if ctx.code.has_code else
                   "no command or requirements file reads it, and there is no code beside the file to look in")
        yield ctx.finding(
            "unused-variable", f"{name} is declared, but {read_by}",
            f"remove it, or use \"${name}\" in a command" if ctx.code.has_code else
            "lint the file inside its repository, where the code that may read it is",
            keys=ctx.variable_keys(name),
        )


def _unexpanded_defaults(ctx: StepContext) -> Iterator[Finding]:
    """A default that names a variable: for a secret it is worse than none, as it stands in for the missing value."""
    for name, var in ctx.declared.items():
        if not (match := names_a_variable(var.default)):
            continue
        other = match["braced"] or match["plain"]
        if name in ctx.secrets:
            message = (f"Valohai passes the default as it is written: an execution without the secret runs with {name} "
                       f"set to the text {var.default.strip()}, which passes any check that it is set")
            fix = "remove the default and declare it with optional: false; the value comes from a secret variable"
            guide, severity = "declare-the-variable", Severity.ERROR
        else:
            message = (f"Valohai passes the default as it is written, so {name} is the text {var.default.strip()}, not "
                       f"{other}'s value")
            fix = (f"write the value itself, or set it in the command: - export {name}=\"{var.default.strip()}\"")
            guide, severity = "", Severity.WARNING
        yield ctx.finding("unexpanded-default", message, fix, keys=(*ctx.variable_keys(name), "default"),
                          severity=severity, guide=guide)


def names_a_variable(default: str | None) -> re.Match | None:
    return _NAMES_A_VARIABLE.search(default or "")


def _requirements(ctx: StepContext, n: int, path, used: set[str]) -> Iterator[Finding]:
    for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
        code = line.split(" #", 1)[0]
        for m in REFERENCE.finditer(code):
            if m["plain"]:
                yield ctx.finding(
                    "requirements-dollar-variable",
                    f"{path.name} line {number} writes ${m['plain']}, which pip leaves as it is",
                    f"write ${{{m['plain']}}}",
                    command=n, guide="requirements-variable",
                )
                continue
            used.add(m["braced"])
            if m["braced"] not in ctx.declared:
                yield ctx.finding(
                    "undeclared-variable",
                    f"{path.name} line {number} uses ${{{m['braced']}}}, which the step doesn't declare; "
                    "unset, pip keeps it as literal text",
                    f"declare it: - name: {m['braced']} with optional: false",
                    command=n,
                )


def _provided(name: str) -> bool:
    return name in _PROVIDED or name.startswith("VH_")
