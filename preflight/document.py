"""Anyone's valohai.yaml as the lint reads it: whatever stops Valohai reading it is a finding, never a traceback.

Unlike the guide's recipes (``preflight.valohai.load``), a user's file is linted
as far as it can be: valohai-yaml's warnings don't stop it, and a step that
parses is linted even when a pipeline beside it doesn't.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from valohai_yaml.objs import Step

from preflight import valohai
from preflight.errors import RecipeError
from preflight.findings import Finding
from preflight.rules import Severity
from preflight.yamlsource import YamlSource

_KIND = {dict: "a mapping", str: "text", int: "a number", float: "a number", bool: "a boolean"}
_ITEMS = "a list of - step:, - pipeline:, - endpoint: or - task: items"
_RUNNABLE = ("step", "endpoint")  # what Valohai can run or deploy on its own; pipelines and tasks run steps

# valohai-yaml 0.61 warnings about what Valohai documents and runs: reported, but as info.
_DOCUMENTED_THENS = {"require-approval"}  # docs.valohai.com/pipelines/dynamic-conditions
_THEN = re.compile(r"^\"then\" value (?P<values>.*) is not well-known")
_NOT_A_STRING = re.compile(r"default `default` value .* is not a string \(got a <class '(int|float|bool)'>\)")


@dataclass
class Document:
    path: Path
    source: YamlSource | None
    steps: list[tuple[int, Step]] = field(default_factory=list)  # (item index, step) for each step that parses
    findings: list[Finding] = field(default_factory=list)


def load(path: Path) -> Document:
    try:
        source = YamlSource.load(path, keep_last=True)  # as Valohai reads it: a duplicate key's last value wins
    except RecipeError as exc:
        return Document(path, None, findings=[_invalid(p.path, p.line, p.message, p.hint) for p in exc.problems])
    document = Document(path, source)
    document.findings += [
        Finding(path, d.line, None, None, "duplicate-key", Severity.WARNING,
                f"'{d.key}' is given twice in one mapping (first at line {d.first}); YAML keeps this one, so the "
                "first is ignored", "merge the two into one key")
        for d in source.duplicates
    ]
    if source.data is None:
        document.findings.append(_invalid(path, 1, f"the file is empty, so Valohai finds no step in it; it needs {_ITEMS}",
                                          "add a step: - step: with name, image and command"))
        return document
    if not isinstance(source.data, list):
        kind = _KIND.get(type(source.data), "a value")
        document.findings.append(_invalid(path, source.line() or 1, f"the top level is {kind}, but valohai.yaml is {_ITEMS}",
                                          "start each item with '- ', as in - step:"))
        return document
    if found := valohai.messages(source):
        from preflight import messages  # the fixes for valohai-yaml's messages: only a file that has some loads them

        document.findings += [_valohai_yaml(path, m, fix) for m, fix in zip(found, messages.fixes(source, found))]
    if not any(isinstance(item, dict) and any(isinstance(item.get(kind), dict) for kind in _RUNNABLE)
               for item in source.data) and not any(f.severity == Severity.ERROR for f in document.findings):
        document.findings = _nothing_to_run(document.findings, path, source)
    rejected = {f.line for f in document.findings if f.severity == Severity.ERROR}
    starts = [source.line(index) or 1 for index in range(len(source.data))] + [float("inf")]
    for index, item in enumerate(source.data):
        if not (isinstance(item, dict) and isinstance(item.get("step"), dict)):
            continue
        if any(starts[index] <= line < starts[index + 1] for line in rejected):
            continue  # valohai-yaml rejects this step and says why; the rules read only steps Valohai accepts
        try:
            document.steps.append((index, Step.parse(item["step"])))
        except Exception as exc:  # noqa: BLE001 - valohai-yaml's parser raises anything on shapes its lint misses
            document.findings.append(_invalid(path, starts[index], f"valohai-yaml can't read this step: {exc}",
                                              "compare the step with Valohai's step reference"))
    return document


def _nothing_to_run(findings: list[Finding], path: Path, source: YamlSource) -> list[Finding]:
    """A file with no step (nor endpoint) exits 1: said at a misspelt top-level key where there is one, else once
    (an error valohai-yaml reports already says why)."""
    unknown = [f for f in findings if f.rule == "valohai-yaml" and f.message.startswith("unknown top-level key")]
    if unknown:
        return [replace(f, severity=Severity.ERROR, message=f"{f.message}, so the file defines no step and Valohai has "
                        "nothing to run") if f in unknown else f for f in findings]
    return [*findings, _invalid(path, source.line(0) or 1, "the file defines no step (nor endpoint), so Valohai has "
                                "nothing to run", "add a step: - step: with name, image and command")]


def _valohai_yaml(path: Path, message: valohai.Message, fix: str) -> Finding:
    severity = Severity.named(message.kind)
    text = message.text
    if (then := _THEN.search(text)) and set(re.findall(r"'([^']+)'", then["values"])) <= _DOCUMENTED_THENS:
        severity, text = Severity.INFO, text + " (Valohai documents it; valohai-yaml 0.61 doesn't list it)"
        fix = "nothing to fix: Valohai runs it"
    elif _NOT_A_STRING.search(text):
        severity, text = Severity.INFO, text + " (Valohai passes it to the command as text)"
        fix = "quote the default, or give the parameter the type of its default"
    return Finding(path, message.line or 1, None, None, "valohai-yaml", severity, text, fix)


def _invalid(path: Path, line: int | None, message: str, fix: str | None = None) -> Finding:
    if fix is None:
        fix = ("correct the YAML on this line" if "YAML syntax" in message
               else "save the file as UTF-8" if "UTF-8" in message
               else "check the file's path and permissions")
    return Finding(path, line or 1, None, None, "invalid-file", Severity.ERROR, message, fix)
