"""The shape of the code: modules, the imports between them, their layers, cycles, and lines.

    python scripts/import_graph.py [ROOT]      # this checkout by default

Counts the packages ``harness``, ``preflight`` and ``docs_macros`` (and ``macros.py`` where an older
checkout has it). A module's layer is the length of the longest chain of imports below it; a cycle
is listed, and its modules share a layer.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

PACKAGES = ("harness", "preflight", "docs_macros")


def modules(root: Path) -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")) if (root / package).is_dir() else []:
            name = ".".join(path.relative_to(root).with_suffix("").parts).removesuffix(".__init__")
            found[name] = path
    if (root / "macros.py").is_file():
        found["macros"] = root / "macros.py"
    return found


def edges(found: dict[str, Path]) -> dict[str, set[str]]:
    """Module -> the modules of ``found`` it imports (anywhere in it: lazy imports count)."""
    graph = {name: set() for name in found}
    for name, path in found.items():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                # from pkg import sub: the submodule where there is one, else the module itself
                targets = [f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in found else node.module
                           for a in node.names]
            else:
                continue
            for target in targets:
                while target and target not in found:
                    target = target.rpartition(".")[0]
                if target and target != name:
                    graph[name].add(target)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    sys.setrecursionlimit(10_000)
    for v in graph:
        if v not in index:
            visit(v)
    return out


def layers(graph: dict[str, set[str]]) -> dict[str, int]:
    merged = {m: frozenset(c) for c in cycles(graph) for m in c}
    memo: dict[str, int] = {}

    def layer(v, seen=frozenset()):
        if v in memo:
            return memo[v]
        group = merged.get(v, frozenset({v}))
        below = {w for m in group for w in graph[m]} - group
        result = 1 + max((layer(w, seen | group) for w in below if w not in seen), default=-1)
        for m in group:
            memo[m] = result
        return result

    return {v: layer(v) for v in graph}


def main() -> None:
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent
    found = modules(root)
    graph = edges(found)
    depth = layers(graph)
    lines = {name: len(path.read_text().splitlines()) for name, path in found.items()}
    print(f"{len(found)} modules, {sum(map(len, graph.values()))} import edges, {max(depth.values()) + 1} layers, "
          f"{sum(lines.values())} lines")
    for package in (*PACKAGES, "macros"):
        names = [n for n in found if n.split(".")[0] == package]
        if names:
            print(f"  {package}: {len(names)} modules, {sum(lines[n] for n in names)} lines")
    for cycle in cycles(graph):
        print("  cycle:", " <-> ".join(cycle))
    upward = sorted(f"{a} -> {b}" for a, targets in graph.items() for b in targets
                    if a.split(".")[0] == "preflight" and b.split(".")[0] != "preflight")
    for edge in upward:
        print("  upward:", edge)
    longest = sorted(((lines[n], n) for n in found), reverse=True)[:5]
    print("  largest:", ", ".join(f"{n} {c}" for c, n in longest))


if __name__ == "__main__":
    main()
