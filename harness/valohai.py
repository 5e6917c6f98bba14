"""valohai.yaml as Valohai reads it: validated by valohai-yaml, errors and warnings alike.

valohai-yaml reports where a problem is as an object path (``0.step.image``);
this module turns that into a line of the file and adds a hint for the mistakes
people make with secrets.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

from valohai_yaml.lint import lint
from valohai_yaml.objs import Config, Step
from valohai_yaml.objs.environment_variable import EnvironmentVariable

from harness.errors import Problem, RecipeError
from harness.yamlsource import YamlSource

_SCHEMA_MESSAGE = re.compile(r"validation on [^:]+: (?P<message>.*) \((?P<path>[^()]*)\)$")
_NO_PARSER = re.compile(r"^No parser for \{'(?P<key>[^']+)'")
_DUPLICATE_STEP = re.compile(r"^Duplicate step name: (?P<name>.*)\.$")
_UNEXPECTED_KEY = re.compile(r"\('(?P<key>[^']+)' was unexpected\)")

_HINTS = {
    "'secrets' was unexpected": "valohai.yaml has no secrets key: keep the value in a project or "
    "organization environment variable marked Secret, and declare its name under "
    "environment-variables with optional: false",
    "is not of type 'array' (": "environment-variables is a list of items with name, default, "
    "optional and description, not a mapping",
    "No parser for": "top-level items are - step:, - pipeline:, - endpoint: or - task:",
}


@dataclass
class ValohaiFile:
    path: Path
    source: YamlSource
    config: Config

    def step(self, name: str) -> Step | None:
        return self.config.steps.get(name)

    def step_keys(self, name: str) -> tuple:
        """Where step ``name`` is in the file, as keys for ``line``; the one way to find a place in it."""
        for index, item in enumerate(self.source.data if isinstance(self.source.data, list) else []):
            if isinstance(item, dict) and isinstance(item.get("step"), dict) and item["step"].get("name") == name:
                return (index, "step")
        return ()

    def variable_keys(self, step: str, variable: str) -> tuple:
        keys = self.step_keys(step)
        declared = self.source.data[keys[0]]["step"].get("environment-variables") if keys else None
        for j, item in enumerate(declared if isinstance(declared, list) else []):
            if isinstance(item, dict) and item.get("name") == variable:
                return (*keys, "environment-variables", j)
        return (*keys, "environment-variables") if keys else ()

    def command_keys(self, step: str, index: int) -> tuple:
        keys = self.step_keys(step)
        command = self.source.data[keys[0]]["step"].get("command") if keys else None
        return (*keys, "command", index) if isinstance(command, list) else (*keys, "command")

    def line(self, *keys) -> int | None:
        return self.source.line(*keys)


def load(path: Path) -> ValohaiFile:
    """Parse and lint ``path``; any error or warning becomes a ``RecipeError`` with its line."""
    source = YamlSource.load(path)  # YAML syntax and duplicate keys, with their lines
    result = lint(io.StringIO(path.read_text(encoding="utf-8")), ansi_colors=False)
    problems = [
        Problem(path, line, message)
        for raw in result.messages
        if raw["type"] in ("error", "warning")
        for line, message in [_locate(source, raw["type"], raw["message"].strip())]
    ]
    if problems:
        raise RecipeError(problems)
    return ValohaiFile(path, source, Config.parse(source.data))


def commands(step: Step) -> list[str]:
    """The step's command items as valohai-yaml builds them (``{parameters}`` interpolated, ``$VAR`` left)."""
    return step.build_command({})


def declared_variables(step: Step) -> dict[str, EnvironmentVariable]:
    return dict(step.environment_variables)


def _locate(source: YamlSource, kind: str, message: str) -> tuple[int | None, str]:
    line = None
    text = message
    if match := _SCHEMA_MESSAGE.search(message):
        text = match["message"]
        keys = [int(k) if k.isdigit() else k for k in match["path"].split(".") if k]
        if unexpected := _UNEXPECTED_KEY.search(text):
            keys.append(unexpected["key"])
        line = source.line(*keys)
        text = f"{'.'.join(str(k) for k in keys[1:]) or 'item'}: {text}"
    elif match := _NO_PARSER.search(message):
        text = f"unknown top-level key '{match['key']}'"
        line = _item_line(source, lambda item: match["key"] in item)
    elif match := _DUPLICATE_STEP.search(message):
        text = f"duplicate step name '{match['name']}'"
        line = _item_line(source, lambda item: (item.get("step") or {}).get("name") == match["name"], last=True)
    elif message.startswith("Indentation Error at line"):
        line = int(re.search(r"line (\d+)", message)[1])
    hint = next((h for needle, h in _HINTS.items() if needle in message), None)
    prefix = "warning (Valohai would run it, the guide does not): " if kind == "warning" else ""
    return line, prefix + text + (f" — {hint}" if hint else "")


def _item_line(source: YamlSource, matches, last: bool = False) -> int | None:
    lines = [
        source.line(index)
        for index, item in enumerate(source.data if isinstance(source.data, list) else [])
        if isinstance(item, dict) and matches(item)
    ]
    return (lines[-1] if last else lines[0]) if lines else None
