"""Placeholders: ``{…}`` that Valohai doesn't expand, and parameters that no placeholder passes on.

valohai-yaml expands ``{parameters}`` (``{params}``), ``{parameter:NAME}`` and
``{parameter-value:NAME}`` for the step's own parameters, and ``{source-path}``
where the step has one; it leaves anything else as it is. Input defaults take
``{parameter:NAME}`` too. Only ``{…}`` that look meant for Valohai are reported,
so ``xargs -i … {}``, awk programs and ``${VAR}`` stay quiet.

A parameter reaches the code only through a placeholder or the file Valohai
writes, ``/valohai/config/parameters.json`` (valohai-utils reads it); one that
takes neither way changes nothing when someone sets it in Valohai's UI.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from preflight.findings import Finding
from preflight.step import StepContext
from preflight.variables import REFERENCE

_PLACEHOLDER = re.compile(r"(?<!\$)\{(?P<body>[A-Za-z][\w.:-]*)\}")
_ALL_PARAMETERS = re.compile(r"\{(parameters|params)\}")
# {parameter:NAME} and {parameter-value:NAME}, and the misspellings unknown-placeholder reports: {parameters.NAME}, {NAME}.
_NAMES_A_PARAMETER = re.compile(r"(?<!\$)\{(?:param(?:eter)?s?(?:-value)?[.:])?(?P<name>[\w.-]+)\}")
# The code, or the command, reads the parameters from the files Valohai writes (valohai-utils does).
_PARAMETERS_FILE = re.compile(r"parameters\.(json|ya?ml)|/valohai/config|VH_CONFIG_DIR|valohai\.(parameters|prepare)\b")
_VALOHAI_WORDS = {"parameter", "parameters", "param", "params", "parameter-value", "input", "inputs", "output",
                  "outputs", "source-path"}


def check(ctx: StepContext) -> Iterator[Finding]:
    for n, command in enumerate(ctx.raw_commands):
        for m, (message, fix) in _unexpanded(ctx, command):
            yield ctx.finding("unknown-placeholder", message, fix, command=n, offset=command[: m.start()].count("\n"))
    for j, (name, item) in enumerate(ctx.step.inputs.items()):
        for default in item.default if isinstance(item.default, list) else [item.default]:
            for m in _PLACEHOLDER.finditer(str(default or "")):
                body = m["body"]
                if body.startswith("parameter:") and body.split(":", 1)[1] not in ctx.step.parameters:
                    yield ctx.finding("unknown-placeholder", f"the default of input {name} uses {{{body}}}, but the "
                                      "step has no such parameter", "name one of the step's parameters",
                                      keys=("inputs", j, "default"))
    yield from _not_passed(ctx)


def left_as_text(ctx: StepContext, n: int) -> bool:
    """Whether item ``n`` has a ``{…}`` Valohai leaves as it is: shellcheck's "This { is literal" says it again."""
    return n < len(ctx.raw_commands) and any(_unexpanded(ctx, ctx.raw_commands[n]))


def _unexpanded(ctx: StepContext, command: str) -> Iterator[tuple[re.Match, tuple[str, str]]]:
    parameters, inputs = set(ctx.step.parameters), set(ctx.step.inputs)
    for m in _PLACEHOLDER.finditer(command):
        if problem := _problem(m["body"], parameters, inputs, ctx.step.source_path is not None):
            yield m, problem


def _not_passed(ctx: StepContext) -> Iterator[Finding]:
    """The parameters no placeholder passes, in one finding: they share one cause, the command that lacks them.

    A parameter the command reads as ``$NAME`` is left to ``parameter-as-variable``, and one named in a placeholder
    Valohai doesn't expand to ``unknown-placeholder``.
    """
    text = "\n".join(ctx.raw_commands)
    if not ctx.step.parameters or _ALL_PARAMETERS.search(text) or _PARAMETERS_FILE.search(text):
        return
    passed = {m["name"] for source in [text, *(str(i.default) for i in ctx.step.inputs.values())]
              for m in _NAMES_A_PARAMETER.finditer(source)}
    as_variables = {m["braced"] or m["plain"] for m in REFERENCE.finditer(text)}
    missing = [name for name in ctx.step.parameters if name not in passed | as_variables]
    if not missing or (ctx.code.has_code and ctx.code.mentions(_PARAMETERS_FILE)):
        return
    one = len(missing) == 1
    them = "it" if one else "them"
    cause = (f"{'the parameter' if one else 'the parameters'} {', '.join(missing)} never {'reaches' if one else 'reach'} "
             f"the command: no {{parameters}} or {{parameter:NAME}} passes {them}")
    if ctx.code.has_code:
        message = (f"{cause}, and no code in the repository reads /valohai/config/parameters.json, so setting {them} "
                   "in Valohai's UI changes nothing")
    else:
        message = (f"{cause}, so unless code beside the file reads /valohai/config/parameters.json, setting {them} "
                   "in Valohai's UI changes nothing (lint the file inside its repository to check its code)")
    yield ctx.finding(
        "parameters-not-passed", message,
        "add {parameters} to the command that should get them, e.g. - python train.py {parameters}",
        keys=("parameters", list(ctx.step.parameters).index(missing[0])))


def _problem(body: str, parameters: set[str], inputs: set[str], has_source_path: bool) -> tuple[str, str] | None:
    head, separator, name = re.match(r"([A-Za-z][\w-]*)([.:]?)(.*)", body).groups()
    if body in ("parameters", "params") or (body == "source-path" and has_source_path):
        return None
    if head in ("parameter", "parameter-value") and separator == ":":
        if name in parameters:
            return None
        return (f"{{{body}}} names no parameter of this step, so Valohai leaves it as it is",
                "name one of the step's parameters")
    if head in ("input", "inputs") and name:
        return (f"{{{body}}} is not a Valohai placeholder: the command gets it as literal text",
                f"write /valohai/inputs/{name}/ (the input's folder) or \"$VH_INPUTS_DIR/{name}/\"")
    if head in ("parameter", "parameters", "param", "params") and name:
        return (f"{{{body}}} is not a Valohai placeholder: the command gets it as literal text",
                f"write {{parameter-value:{name}}} for the value, or {{parameter:{name}}} for the option and value")
    if head in _VALOHAI_WORDS:
        return (f"{{{body}}} is not a Valohai placeholder: the command gets it as literal text",
                "use {parameters}, {parameter:NAME} or {parameter-value:NAME}")
    if body in parameters:
        return (f"{{{body}}} is not a Valohai placeholder: the command gets it as literal text",
                f"write {{parameter-value:{body}}}")
    if body in inputs:
        return (f"{{{body}}} is not a Valohai placeholder: the command gets it as literal text",
                f"write /valohai/inputs/{body}/")
    return None
