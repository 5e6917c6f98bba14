"""Load YAML and keep the line of every key, so errors can point at it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from harness.errors import RecipeError


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys instead of keeping the last one."""

    def construct_mapping(self, node, deep=False):
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"duplicate key {key!r} (first at line {seen[key]})",
                    key_node.start_mark,
                )
            seen[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep=deep)


@dataclass
class YamlSource:
    path: Path
    data: Any
    root: yaml.Node | None

    @classmethod
    def load(cls, path: Path) -> YamlSource:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise RecipeError.at(path, None, f"cannot read: {exc.strerror}") from None
        loader = _StrictLoader(text)
        try:
            root = loader.get_single_node()
            data = loader.construct_document(root) if root is not None else None
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            problem = exc.problem or exc.context or "invalid YAML"
            column = f" (column {mark.column + 1})" if mark else ""
            hint = " — check this line's indentation against the lines above it" if "block" in problem else ""
            raise RecipeError.at(
                path, mark.line + 1 if mark else None, f"YAML syntax error{column}: {problem}{hint}"
            ) from None
        finally:
            loader.dispose()
        return cls(path, data, root)

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


def _child(node: yaml.Node, key: str | int) -> tuple[yaml.Node | None, int | None]:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if key_node.value == str(key):
                return value_node, key_node.start_mark.line + 1
    if isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
        child = node.value[key]
        return child, child.start_mark.line + 1
    return None, None
