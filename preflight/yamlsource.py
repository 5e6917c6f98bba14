"""Load YAML and keep the line of every key, so errors can point at it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from preflight.errors import RecipeError


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys instead of keeping the last one (``keep_last``: notes them, and
    keeps the last one, as yaml.safe_load and so valohai-yaml do)."""

    keep_last = False

    def __init__(self, stream):
        super().__init__(stream)
        self.duplicates: list[Duplicate] = []

    def construct_mapping(self, node, deep=False):
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            if key in seen and self.keep_last:
                self.duplicates.append(Duplicate(str(key), line, seen[key]))
            elif key in seen:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"duplicate key {key!r} (first at line {seen[key]})",
                    key_node.start_mark,
                )
            seen[key] = line
        return super().construct_mapping(node, deep=deep)


class _KeepLastLoader(_StrictLoader):
    keep_last = True


@dataclass(frozen=True)
class Duplicate:
    """A key given twice in one mapping: YAML keeps the value at ``line`` and drops the one at ``first``."""

    key: str
    line: int
    first: int


@dataclass
class YamlSource:
    path: Path
    data: Any
    root: yaml.Node | None
    text: str = ""
    duplicates: list[Duplicate] = field(default_factory=list)  # only when loaded with keep_last

    @classmethod
    def load(cls, path: Path, keep_last: bool = False) -> YamlSource:
        """The file at ``path``; a duplicate key is an error, or with ``keep_last`` a note (anyone's valohai.yaml)."""
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise RecipeError.at(path, None, f"cannot read: {exc.strerror}") from None
        return cls.parse(path, decode(path, data), keep_last)

    @classmethod
    def parse(cls, path: Path, text: str, keep_last: bool = False) -> YamlSource:
        loader = (_KeepLastLoader if keep_last else _StrictLoader)(text)
        try:
            root = loader.get_single_node()
            data = loader.construct_document(root) if root is not None else None
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            problem = exc.problem or exc.context or "invalid YAML"
            column = f" (column {mark.column + 1})" if mark else ""
            hint = "check this line's indentation against the lines above it" if "block" in problem else None
            raise RecipeError.at(
                path, mark.line + 1 if mark else None, f"YAML syntax error{column}: {problem}", hint
            ) from None
        finally:
            loader.dispose()
        return cls(path, data, root, text, loader.duplicates)

    def node(self, *keys: str | int) -> yaml.Node | None:
        """The node at ``keys``, or None where the path stops."""
        node = self.root
        for key in keys:
            node, _ = _child(node, key) if node is not None else (None, None)
        return node

    def line(self, *keys: str | int) -> int | None:
        """1-based line of the node at ``keys``, or of its deepest ancestor that exists."""
        node, line = self.root, None
        for key in keys:
            if node is None:
                break
            line = node.start_mark.line + 1
            node, key_line = _child(node, key)
            if key_line is not None:
                line = key_line
        if node is not None:
            line = line or node.start_mark.line + 1
        return line


def decode(path: Path, data: bytes) -> str:
    """``data`` as UTF-8, which is what Valohai reads; anything else names the line of the first bad byte."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise RecipeError.at(
            path, line, f"not UTF-8: byte 0x{data[exc.start]:02x} at column {column}", "save the file as UTF-8"
        ) from None


def _child(node: yaml.Node, key: str | int) -> tuple[yaml.Node | None, int | None]:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if key_node.value == str(key):
                return value_node, key_node.start_mark.line + 1
    if isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
        child = node.value[key]
        return child, child.start_mark.line + 1
    return None, None
