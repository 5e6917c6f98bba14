"""Placeholders: ``{…}`` that Valohai doesn't expand reach the command as literal text.

valohai-yaml expands ``{parameters}`` (``{params}``), ``{parameter:NAME}`` and
``{parameter-value:NAME}`` for the step's own parameters, and ``{source-path}``
where the step has one; it leaves anything else as it is. Input defaults take
``{parameter:NAME}`` too. Only ``{…}`` that look meant for Valohai are reported,
so ``xargs -i … {}``, awk programs and ``${VAR}`` stay quiet.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from preflight.findings import Finding
from preflight.step import StepContext

_PLACEHOLDER = re.compile(r"(?<!\$)\{(?P<body>[A-Za-z][\w.:-]*)\}")
_VALOHAI_WORDS = {"parameter", "parameters", "param", "params", "parameter-value", "input", "inputs", "output",
                  "outputs", "source-path"}


def check(ctx: StepContext) -> Iterator[Finding]:
    parameters = set(ctx.step.parameters)
    inputs = set(ctx.step.inputs)
    for n, command in enumerate(ctx.raw_commands):
        for m in _PLACEHOLDER.finditer(command):
            if problem := _problem(m["body"], parameters, inputs, ctx.step.source_path is not None):
                yield ctx.finding("unknown-placeholder", problem[0], problem[1], command=n,
                                  offset=command[: m.start()].count("\n"))
    for j, (name, item) in enumerate(ctx.step.inputs.items()):
        for default in item.default if isinstance(item.default, list) else [item.default]:
            for m in _PLACEHOLDER.finditer(str(default or "")):
                body = m["body"]
                if body.startswith("parameter:") and body.split(":", 1)[1] not in parameters:
                    yield ctx.finding("unknown-placeholder", f"the default of input {name} uses {{{body}}}, but the "
                                      "step has no such parameter", "name one of the step's parameters",
                                      keys=("inputs", j, "default"))


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
