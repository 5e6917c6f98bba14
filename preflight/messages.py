"""A one-line fix for each valohai-yaml message, as specific as the message allows.

valohai-yaml's schema messages say what is wrong (a missing key, an unexpected
one, a wrong type) but not what to write. The fix comes, in this order, from the
hint ``preflight.valohai`` has for a mistake the guide knows, from the schema error
itself (the keys an object takes, and which alternative of an ``anyOf`` was
meant), or from the
names the file declares for a message about a step, node or task that doesn't
exist. Anything else points at Valohai's reference.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable

from jsonschema.exceptions import ValidationError

from preflight import valohai
from preflight.yamlsource import YamlSource

GENERIC = "correct it as Valohai's valohai.yaml reference says"

_SCHEMA = re.compile(r"^\s*\w+ validation on [^:]+: (?P<message>.*) \((?P<path>[^()]*)\)$")
_REQUIRED = re.compile(r"^'(?P<key>[^']+)' is a required property$")
_UNEXPECTED = re.compile(r"\((?P<keys>.*) (?:was|were) unexpected\)")
_EXAMPLES = {"name": "train", "image": "python:3.12", "command": "python train.py", "step": "train",
             "type": "execution", "edges": "[]", "nodes": "[]"}
_WHAT = {"step": "the step", "pipeline": "the pipeline", "endpoint": "the endpoint", "task": "the task",
         "deployment": "the deployment", "parameters": "the parameter", "environment-variables": "the variable",
         "inputs": "the input", "outputs": "the output", "nodes": "the node", "actions": "the action",
         "edges": "the edge", "files": "the file", "mounts": "the mount", "override": "the override"}
_TYPES = {"string": "text", "boolean": "true or false", "integer": "a whole number", "number": "a number",
          "array": "a list", "object": "a mapping", "null": "nothing"}


def fixes(source: YamlSource, found: list[valohai.Message]) -> list[str]:
    """The fix for each of ``found``, valohai-yaml's messages about ``source``."""
    return [_fix(source, message) for message in found]


def _fix(source: YamlSource, message: valohai.Message) -> str:
    if message.hint:
        return message.hint
    if _SCHEMA.match(message.raw):
        return (_schema_fix(message.schema_error) if message.schema_error is not None else None) or GENERIC
    for pattern, make in _NAMED:
        if found := pattern.search(message.raw):
            return make(source, found)
    return GENERIC


def _schema_fix(error: ValidationError) -> str | None:
    keys = list(error.absolute_path)
    kind = error.validator
    if kind in ("anyOf", "oneOf"):
        return _alternatives_fix(error)
    if kind == "required" and (match := _REQUIRED.match(error.message)):
        key = match["key"]
        example = f", e.g. {key}: {_EXAMPLES[key]}" if key in _EXAMPLES else ""
        return f"add {key}: to {_what(keys)}{example}"
    if kind == "additionalProperties" and (match := _UNEXPECTED.search(error.message)):
        allowed = sorted(error.schema.get("properties", {}))
        changes = []
        for key in re.findall(r"'([^']+)'", match["keys"]):
            close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
            changes.append(f"rename {key} to {close[0]}" if close else f"remove {key}")
        takes = "" if all(c.startswith("rename") for c in changes) else f" ({_what(keys)} takes {', '.join(allowed)})"
        return "; ".join(changes) + takes
    if kind == "type":
        return _type_fix(error, keys)
    if kind == "enum":
        return _one_of(error.instance, [str(v) for v in error.validator_value], _key(keys))
    if kind == "const":
        return f"write {_key(keys)}: {error.validator_value}" if _key(keys) else None
    return None


def _type_fix(error: ValidationError, keys: list) -> str | None:
    wanted = error.validator_value if isinstance(error.validator_value, str) else None
    key = _key(keys)
    value = error.instance
    if wanted == "string" and isinstance(value, (int, float, bool)):
        return f"quote {_yaml(value)}: YAML reads 5, 1.0 and true as a number or a boolean"
    if wanted == "string" and isinstance(value, dict) and len(value) == 1:  # - echo step: done
        text = "{}: {}".format(*next(iter(value.items())))
        return f"quote it, e.g. - \"{text}\": YAML reads text with ': ' in it as a mapping"
    if wanted == "array":
        if value is None:
            return f"list the items under {key}:, indented, or remove the key"
        if isinstance(value, dict):
            return f"write {key} as a list, one '- ' item per entry"
        item = f"name: {_yaml(value)}" if key in _WHAT else _yaml(value)  # a list of named items, or of text
        return f"write {key} as a list: - {item}"
    if wanted == "object" and keys and isinstance(keys[-1], int) and key in _WHAT:
        return f"write each item of {key} as a mapping of keys, e.g. - name: {_yaml(value)}"
    if wanted in _TYPES:
        return f"write {_TYPES[wanted]} for {key}" if key else f"write {_TYPES[wanted]}"
    return None


def _alternatives_fix(error: ValidationError) -> str | None:
    """The alternative the file meant: the one whose ``type:`` matches, or the one with the fewest errors."""
    by_alternative: dict[int, list[ValidationError]] = {}
    for child in error.context or []:
        by_alternative.setdefault(child.relative_schema_path[0], []).append(child)
    if not by_alternative:
        return None
    consts = [c for errors in by_alternative.values() for c in errors if c.validator == "const"]
    matching = {a: errors for a, errors in by_alternative.items() if not any(c.validator == "const" for c in errors)}
    if consts and not matching:  # type: names none of the alternatives
        return _one_of(consts[0].instance, [str(c.validator_value) for c in consts], key=consts[0].absolute_path[-1])
    alternatives = matching or by_alternative
    if all(len(errors) == 1 and errors[0].validator in ("type", "enum", "const")
           and list(errors[0].absolute_path) == list(error.absolute_path) for errors in alternatives.values()):
        options = [_expected(errors[0]) for errors in alternatives.values()]
        key = _key(list(error.absolute_path))
        return f"write {key + ': ' if key else ''}{', or '.join(options)}"
    # The data got furthest into the alternative it meant: a list of commands fails at an item, not as a list.
    errors = min(alternatives.values(), key=lambda errors: (len(errors), -max(len(e.absolute_path) for e in errors)))
    return _schema_fix(max(errors, key=lambda e: len(e.absolute_path)))


def _expected(error: ValidationError) -> str:
    if error.validator == "type":
        wanted = error.validator_value
        return " or ".join(_TYPES.get(w, w) for w in ([wanted] if isinstance(wanted, str) else wanted))
    if error.validator == "enum":
        return "one of " + ", ".join(str(v) for v in error.validator_value)
    return str(error.validator_value)


def _one_of(value, options: list[str], key: str | None = None) -> str:
    close = difflib.get_close_matches(str(value), options, n=1, cutoff=0.6)
    written = f"{key}: " if key else ""
    return (f"write {written}{close[0]}" if close else f"write {written}one of {', '.join(options)}") + (
        f" (one of {', '.join(options)})" if close and len(options) > 1 else "")


def _key(keys: list) -> str | None:
    """The last key of a path that is a name, not a list index."""
    return next((k for k in reversed(keys) if isinstance(k, str)), None)


def _what(keys: list) -> str:
    key = _key(keys)
    return _WHAT.get(key, f"{key}" if key else "the item")


def _yaml(value) -> str:
    return {True: "true", False: "false"}.get(value, str(value)) if isinstance(value, bool) else str(value)


# valohai-yaml's own lint names what doesn't exist; the file says what does.
def _names(source: YamlSource, kind: str) -> list[str]:
    return valohai.Places(source).names(kind)


def _node_names(source: YamlSource, pipeline: str) -> list[str]:
    index = valohai.Places(source).item("pipeline", pipeline)
    nodes = source.data[index]["pipeline"].get("nodes") if index is not None else None
    return [n["name"] for n in (nodes if isinstance(nodes, list) else []) if isinstance(n, dict) and "name" in n]


def _name_one(what: str, wrong: str, names: list[str], where: str) -> str:
    if not names:
        return f"add the {what} {wrong} to {where}, or remove what names it"
    close = difflib.get_close_matches(wrong, names, n=1, cutoff=0.6)
    guess = f"; did you mean {close[0]}?" if close else ""
    return f"name one of {where}'s {what}s ({', '.join(names)}{guess}), or add a {what} named {wrong}"


_NAMED: list[tuple[re.Pattern, Callable[[YamlSource, re.Match], str]]] = [
    (re.compile(r"^Pipeline \"[^\"]+\" node \"[^\"]+\" step \"(?P<name>[^\"]+)\" does not exist"),
     lambda source, m: _name_one("step", m["name"], _names(source, "step"), "the file")),
    (re.compile(r"^Pipeline \"[^\"]+\" node \"[^\"]+\" task \"(?P<name>[^\"]+)\" does not exist"),
     lambda source, m: _name_one("task", m["name"], _names(source, "task"), "the file")),
    (re.compile(r"^Pipeline \"[^\"]+\" node \"[^\"]+\" task \"[^\"]+\": task's step \"(?P<name>[^\"]+)\" does not exist"),
     lambda source, m: _name_one("step", m["name"], _names(source, "step"), "the file")),
    (re.compile(r"^Pipeline \"?(?P<pipeline>.+?)\"? edge (?:source|target) node (?P<name>\S+) does not exist"),
     lambda source, m: _name_one("node", m["name"], _node_names(source, m["pipeline"]), "the pipeline")),
    (re.compile(r"^Pipeline \"(?P<pipeline>[^\"]+)\" parameter \"[^\"]+\" target \"[^\"]+\": the node \"(?P<name>[^\"]+)\" "
                r"does not exist"),
     lambda source, m: _name_one("node", m["name"], _node_names(source, m["pipeline"]), "the pipeline")),
    (re.compile(r"^Pipeline .+ has \d+ nodes with the same name of (?P<name>.+)$"),
     lambda source, m: f"give each node of the pipeline its own name (more than one is {m['name']})"),
    (re.compile(r"missing \"environment\"\. When specifying a runtime config preset"),
     lambda source, m: "add environment: with the environment the runtime-config-preset is for"),
    (re.compile(r"mount path \"[^\"]*\" must start with \"/\""),
     lambda source, m: "start the mount path with /"),
    (re.compile(r"sub-path \"[^\"]*\" must not start with \"/\""),
     lambda source, m: "remove the / at the start of the sub-path"),
]
