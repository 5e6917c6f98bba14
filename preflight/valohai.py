"""valohai.yaml as Valohai reads it: validated by valohai-yaml, errors and warnings alike.

valohai-yaml reports where a problem is as an object path (``0.step.image``);
this module turns that into a line of the file and adds a hint for the mistakes
people make with secrets. ``Places`` is the one way to find a step, a variable,
a command item or what a message names in the file, for the recipes and the lint.
"""

from __future__ import annotations

import functools
import io
import re
from collections import Counter
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, relevance
from valohai_yaml.lint import lint
from valohai_yaml.objs import Config, Step
from valohai_yaml.objs.environment_variable import EnvironmentVariable
from valohai_yaml.objs.pipelines.types import edge_types
from valohai_yaml.validation import get_json_schema

from preflight.errors import Problem, RecipeError
from preflight.yamlsource import YamlSource

_SCHEMA_MESSAGE = re.compile(r"validation on [^:]+: (?P<message>.*) \((?P<path>[^()]*)\)$")
_NO_PARSER = re.compile(r"^No parser for \{'(?P<key>[^']+)'")
_DUPLICATE_STEP = re.compile(r"^Duplicate step name: (?P<name>.*)\.$")
_UNEXPECTED_KEY = re.compile(r"\('(?P<key>[^']+)' was unexpected\)")

_GUIDE_WARNING = "warning (Valohai would run it, the guide does not): "
_HINTS: dict[str | re.Pattern, str] = {  # a text or a pattern in valohai-yaml's message, and the hint
    "'secrets' was unexpected": "valohai.yaml has no secrets key: keep the value in a project or "
    "organization environment variable marked Secret, and declare its name under "
    "environment-variables with optional: false",
    "environment-variables.type: {": "environment-variables is a list of items with name, default, "
    "optional and description, not a mapping",
    "No parser for": "top-level items are - step:, - pipeline:, - endpoint: or - task:",
    "is not of type 'string' (": "quote the value: YAML reads 5, 1.0 and true as a number or a boolean",
    "None is not of type 'object'": "the key has no value: indent the lines that belong under it",
    # a top-level item, or what its step:, pipeline:, endpoint: or task: holds
    re.compile(r"validation on (step\.|pipeline\.|endpoint\.|task\.)?type: .* is not of type 'object' \("):
    "each top-level item is a mapping: - step: (or - pipeline:, - endpoint:, - task:) with its keys indented under it",
    re.compile(r"validation on type: .* is not of type 'array' \("): "valohai.yaml is a list of items: start each with "
    "'- ', as in - step:",
    ") not valid": f"an edge's middle part is one of {', '.join(sorted(edge_types))}",
}


class Places:
    """Where things are in a valohai.yaml, as keys for ``YamlSource.line``: the one way to find a place in it.

    The recipes (``ValohaiFile``), the lint (``preflight.step.StepContext``) and valohai-yaml's
    messages (``messages``) all find their lines here; keys under a step are relative to it.
    """

    def __init__(self, source: YamlSource):
        self.source = source

    def items_where(self, matches) -> list[int]:
        """The indexes of the top-level items that are mappings and that ``matches`` accepts."""
        items = self.source.data if isinstance(self.source.data, list) else []
        return [index for index, item in enumerate(items) if isinstance(item, dict) and matches(item)]

    def item(self, kind: str, name: str) -> int | None:
        """The index of the first top-level ``- kind:`` item (step, pipeline, …) named ``name``."""
        found = self.items_where(lambda item: isinstance(item.get(kind), dict) and item[kind].get("name") == name)
        return found[0] if found else None

    def names(self, kind: str) -> list[str]:
        """The names of the top-level ``- kind:`` items, in file order."""
        named = self.items_where(lambda item: isinstance(item.get(kind), dict) and isinstance(item[kind].get("name"), str))
        return [self.source.data[index][kind]["name"] for index in named]

    def step(self, name: str) -> tuple:
        """``(index, "step")`` for step ``name``, or ``()``."""
        index = self.item("step", name)
        return () if index is None else (index, "step")

    def entry(self, keys: tuple, field: str, matches, occurrence: int = 0) -> tuple:
        """``(field, j)`` for the ``occurrence``-th entry of the list ``field`` under the item at ``keys`` that
        ``matches`` accepts; ``(field,)`` when none does, ``()`` when there is no ``field``."""
        entries = self.source.data[keys[0]][keys[1]].get(field)
        found = [j for j, entry in enumerate(entries if isinstance(entries, list) else [])
                 if (isinstance(entry, dict) or (field == "edges" and isinstance(entry, list))) and matches(entry)]
        if found:
            return (field, found[min(occurrence, len(found) - 1)])
        return (field,) if entries is not None else ()

    def variable(self, step: tuple, name: str) -> tuple:
        """Variable ``name`` under the step at ``step``: ``("environment-variables", j)``, or the list itself."""
        return self.entry(step, "environment-variables", lambda item: item.get("name") == name) or ("environment-variables",)

    def command(self, step: tuple, n: int) -> tuple:
        """Item ``n`` of the step's command: ``("command", n)``, or ``("command",)`` for a single string."""
        command = self.source.data[step[0]][step[1]].get("command")
        return ("command", n) if isinstance(command, list) else ("command",)

    def action(self, field: str, value: str, occurrence: int) -> tuple:
        """The ``occurrence``-th pipeline node action whose ``then`` or ``when`` holds ``value``."""
        found = []
        for i in self.items_where(lambda item: True):
            pipeline = self.source.data[i].get("pipeline")
            nodes = pipeline.get("nodes") if isinstance(pipeline, dict) else None
            for j, node in enumerate(nodes if isinstance(nodes, list) else []):
                actions = node.get("actions") if isinstance(node, dict) else None
                for k, action in enumerate(actions if isinstance(actions, list) else []):
                    values = action.get(field) if isinstance(action, dict) else None
                    if value in (values if isinstance(values, list) else [values]):
                        found.append((i, "pipeline", "nodes", j, "actions", k, field))
        return found[min(occurrence, len(found) - 1)] if found else ()

    def named_in(self, message: str, occurrence: int) -> tuple:
        """Keys of the object a valohai-yaml message names (its ``occurrence``-th match), as deep as the file has it."""
        for pattern, what in _NAMED:
            if not (match := pattern.search(message)):
                continue
            names = match.groupdict()
            kind = next(k for k in ("pipeline", "step", "endpoint", "deployment") if k in names or what == "action")
            if what == "action":
                return self.action(names["field"], names["value"], occurrence)
            item = self.item(kind, names[kind])
            if item is None:
                return ()
            keys = (item, kind)
            if what == "node":
                node = names["node"]
                return keys + self.entry(keys, "nodes", lambda n, node=node: n.get("name") == node, occurrence)
            if what == "edge":
                if names.get("type"):  # both ends named, and the type at one of them
                    ends = [f"{names['source']}.", f"{names['target']}."]
                    ends[names["end"] == "target"] += f"{names['type']}."
                else:
                    ends = [f"{names['node']}.", ""] if names["end"] == "source" else ["", f"{names['node']}."]
                return keys + self.entry(keys, "edges", lambda e, ends=ends: all(
                    str(value).startswith(start) for value, start in zip(_ends(e), ends)), occurrence)
            if what in ("pipeline-parameter", "step-parameter"):
                parameter = names["parameter"].strip()
                return keys + self.entry(keys, "parameters", lambda p, parameter=parameter: p.get("name") == parameter)
            return keys
        return ()


@dataclass
class ValohaiFile:
    path: Path
    source: YamlSource
    config: Config

    @cached_property
    def places(self) -> Places:
        return Places(self.source)

    def step(self, name: str) -> Step | None:
        return self.config.steps.get(name)

    def step_keys(self, name: str) -> tuple:
        """Where step ``name`` is in the file, as keys for ``line``."""
        return self.places.step(name)

    def variable_keys(self, step: str, variable: str) -> tuple:
        keys = self.places.step(step)
        return (*keys, *self.places.variable(keys, variable)) if keys else ()

    def line(self, *keys) -> int | None:
        return self.source.line(*keys)


def load(path: Path) -> ValohaiFile:
    """Parse and lint ``path``; any error or warning becomes a ``RecipeError`` with its line."""
    source = YamlSource.load(path)  # YAML syntax and duplicate keys, with their lines
    problems = [Problem(path, m.line, _GUIDE_WARNING * (m.kind == "warning") + m.text, m.hint)
                for m in messages(source)]
    if problems:
        raise RecipeError(problems)
    return ValohaiFile(path, source, Config.parse(source.data))


@dataclass(frozen=True)
class Message:
    """One valohai-yaml message, placed on a line of the file where it can be."""

    kind: str  # "error" or "warning"
    line: int | None
    text: str
    raw: str = ""  # as valohai-yaml wrote it
    schema_error: ValidationError | None = None  # for a schema message, the error itself
    hint: str | None = None  # what to do, for the mistakes the guide knows


def messages(source: YamlSource) -> list[Message]:
    """valohai-yaml's errors and warnings about ``source``, each with a line and, for known mistakes, a hint.

    valohai-yaml's lint checks the schema first and stops there if it finds errors; this does the same with
    ``schema_validator``, then lets valohai-yaml lint the rest.
    """
    data = source.data if isinstance(source.data, (dict, list)) else io.StringIO(source.text)
    errors = sorted(schema_validator().iter_errors(data), key=lambda e: (relevance(e), repr(e.path))) if isinstance(
        data, (dict, list)) else []
    raw = ([{"type": "error", "message": _schema_message(e), "error": e} for e in errors] if errors
           else lint(data, validate_schema=isinstance(data, io.StringIO), ansi_colors=False).messages)
    seen: Counter[str] = Counter()  # valohai-yaml repeats a message once per object it is about
    found = []
    for message in raw:
        if message["type"] in ("error", "warning"):
            text = message["message"].strip()
            line, located, hint = _locate(source, text, seen[text])
            seen[text] += 1
            found.append(Message(message["type"], line, located, text, message.get("error"), hint))
    return found


@functools.cache
def schema_validator() -> Draft202012Validator:
    """valohai-yaml's schema, without its ``get_validator``'s check of the schema against JSON Schema's own, which
    takes longer than all the rest of a run: the schema is the pinned release's, checked once by a test."""
    return Draft202012Validator(get_json_schema())


def _schema_message(error: ValidationError) -> str:
    """A schema error worded as valohai-yaml's lint words it (``valohai_yaml.lint._validate_json_schema``)."""
    schema_path = [str(k) for k in error.relative_schema_path if k not in ("properties", "items")]
    return (f"  {error.validator.title()} validation on {'.'.join(schema_path)}: {error.message} "
            f"({'.'.join(str(k) for k in error.path)})")


def commands(step: Step) -> list[str]:
    """The step's command items as valohai-yaml builds them (``{parameters}`` interpolated, ``$VAR`` left)."""
    return step.build_command({})


def declared_variables(step: Step) -> dict[str, EnvironmentVariable]:
    return dict(step.environment_variables)


def _locate(source: YamlSource, message: str, occurrence: int = 0) -> tuple[int | None, str, str | None]:
    places = Places(source)
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
        found = places.items_where(lambda item: match["key"] in item)
        line = source.line(found[0]) if found else None
    elif match := _DUPLICATE_STEP.search(message):
        text = f"duplicate step name '{match['name']}'"
        found = places.items_where(lambda item: (item.get("step") or {}).get("name") == match["name"])
        line = source.line(found[-1]) if found else None  # the second of the two
    elif message.startswith("Indentation Error at line"):
        line = int(re.search(r"line (\d+)", message)[1])
    else:
        line = source.line(*keys) if (keys := places.named_in(message, occurrence)) else None
    hint = next((h for needle, h in _HINTS.items()
                 if (needle.search(message) if isinstance(needle, re.Pattern) else needle in message)), None)
    return line, text, hint


# valohai-yaml's semantic messages name objects instead of giving a path: find what they name.
_NAMED = [
    (re.compile(r"^Pipeline \"?(?P<pipeline>.+?)\"? edge (?P<end>source|target) node (?P<node>\S+) does not exist"),
     "edge"),
    (re.compile(r"^Pipeline \"?(?P<pipeline>.+?)\"? (?P<end>source|target) type (?P<type>\S+) "
                r"\(between (?P<source>\S+) and (?P<target>\S+)\) not valid"), "edge"),
    (re.compile(r"^Pipeline \"(?P<pipeline>[^\"]+)\" node \"(?P<node>[^\"]+)\""), "node"),
    (re.compile(r"^Pipeline (?P<pipeline>.+) has \d+ nodes with the same name of (?P<node>.+)$"), "node"),
    (re.compile(r"^Pipeline \"(?P<pipeline>[^\"]+)\" parameter \"(?P<parameter>[^\"]+)\""), "pipeline-parameter"),
    (re.compile(r"^Step \"?(?P<step>[^\",]+)\"?, parameter (?P<parameter>[^:]+):"), "step-parameter"),
    (re.compile(r"^Step \"?(?P<step>[^\",]+)\"?[,:]"), "step"),
    (re.compile(r"^Endpoint \"(?P<endpoint>[^\"]+)\""), "endpoint"),
    (re.compile(r"^Deployment \"(?P<deployment>[^\"]+)\""), "deployment"),
    (re.compile(r"^\"(?P<field>then|when)\" value \S*?'(?P<value>[^']+)'"), "action"),
]


def _ends(edge) -> list:
    return (edge + [None, None])[:2] if isinstance(edge, list) else [edge.get("source"), edge.get("target")]
