"""Valohai pipelines: each node an execution, in the order its edges give, one node's outputs the next one's inputs.

A pipeline is several executions, each made by ``runner`` as any other: a node
starts once the nodes it takes files from have finished, and one that fails
stops the pipeline (``on-error: stop-all``, valohai-yaml's default). An edge
``[a.output.<glob>, b.input.<name>]`` hands the files under a's /valohai/outputs
whose paths match the glob to b, at /valohai/inputs/<name>/<file>; they replace
the input's defaults (``edge-merge-mode: replace``, the default). Execution nodes
and output-to-input edges are what the harness runs; ``problems`` names the rest.
"""

from __future__ import annotations

import fnmatch
import graphlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TypeVar

from valohai_yaml.objs import Config, Step


@dataclass(frozen=True)
class Edge:
    source: str  # node
    pattern: str  # a glob over the paths of the source's outputs
    target: str  # node
    input: str  # the target step's input


@dataclass(frozen=True)
class Node:
    name: str
    step: Step
    edges: tuple[Edge, ...]  # the edges into it


class Ran(Protocol):
    """What a node's execution tells the pipeline: whether it succeeded, and where its outputs are."""

    @property
    def succeeded(self) -> bool: ...

    @property
    def outputs(self) -> Path: ...


R = TypeVar("R", bound=Ran)


def problems(config: Config, name: str) -> list[str]:
    """Why the harness can't run pipeline ``name`` of ``config``, if it can't."""
    pipeline = config.pipelines.get(name)
    if pipeline is None:
        return [f"valohai.yaml has no pipeline '{name}' (pipelines: {', '.join(config.pipelines) or 'none'})"]
    found = [f"node '{node.name}' is a {node.type} node; the harness runs execution nodes only"
             for node in pipeline.nodes if node.type != "execution"]
    found += [f"edge {edge.source} → {edge.target}: the harness passes outputs to inputs only"
              for edge in pipeline.edges if (edge.source_type, edge.target_type) != ("output", "input")]
    found += [f"node '{node.name}' runs step '{node.step}', which valohai.yaml doesn't define"
              for node in pipeline.nodes if node.type == "execution" and node.step not in config.steps]
    return found


def nodes(config: Config, name: str) -> tuple[Node, ...]:
    """The pipeline's nodes, each after the nodes whose outputs it takes, otherwise in the file's order."""
    pipeline = config.pipelines[name]
    edges = [Edge(e.source_node, e.source_key, e.target_node, e.target_key) for e in pipeline.edges]
    graph = graphlib.TopologicalSorter({node.name: {e.source for e in edges if e.target == node.name}
                                        for node in pipeline.nodes})
    graph.prepare()
    position = {node.name: i for i, node in enumerate(pipeline.nodes)}
    order: list[str] = []
    while graph.is_active():
        ready = sorted(graph.get_ready(), key=position.__getitem__)
        order += ready
        graph.done(*ready)
    by_name = {node.name: node for node in pipeline.nodes}
    return tuple(Node(n, config.steps[by_name[n].step], tuple(e for e in edges if e.target == n)) for n in order)


def run(order: tuple[Node, ...], execute: Callable[[Node, dict[str, list[Path]]], R]) -> list[R]:
    """Execute each node with the files its edges bring; stop at the first that fails."""
    outputs: dict[str, dict[str, Path]] = {}
    done = []
    for node in order:
        ran = execute(node, inputs(node, outputs))
        done.append(ran)
        if not ran.succeeded:
            break
        outputs[node.name] = {path.relative_to(ran.outputs).as_posix(): path
                              for path in sorted(ran.outputs.rglob("*")) if path.is_file()}
    return done


def inputs(node: Node, outputs: dict[str, dict[str, Path]]) -> dict[str, list[Path]]:
    """The files each of the node's inputs gets: the outputs its edges' globs match."""
    files: dict[str, list[Path]] = {}
    for edge in node.edges:
        files.setdefault(edge.input, []).extend(
            path for name, path in outputs.get(edge.source, {}).items() if fnmatch.fnmatchcase(name, edge.pattern))
    return files
