"""A pipeline's nodes run sources first, each gets the outputs its edges' globs match, and a failure stops the rest."""

from dataclasses import dataclass
from pathlib import Path

import yaml
from valohai_yaml.objs import Config

from harness import pipelines

FILE = """
- step: {name: train, image: python:3.12, command: python train.py, inputs: [{name: wheelhouse}, {name: data}]}
- step: {name: build, image: python:3.12, command: pip wheel .}
- step: {name: fetch, image: python:3.12, command: python fetch.py}
- pipeline:
    name: p
    nodes:
      - {name: train, type: execution, step: train}
      - {name: wheels, type: execution, step: build}
      - {name: data, type: execution, step: fetch}
    edges:
      - [wheels.output.*.whl, train.input.wheelhouse]
      - [data.output.*, train.input.data]
"""


@dataclass
class Ran:
    outputs: Path
    succeeded: bool = True


def config() -> Config:
    return Config.parse(yaml.safe_load(FILE))


def test_sources_run_first_otherwise_in_the_files_order():
    assert [node.name for node in pipelines.nodes(config(), "p")] == ["wheels", "data", "train"]


def test_each_input_gets_the_outputs_its_edge_matches(tmp_path):
    def execute(node, inputs):
        folder = tmp_path / node.name
        folder.mkdir()
        for name in {"wheels": ["a-1.0-py3-none-any.whl", "build.log"], "data": ["x.csv"]}.get(node.name, []):
            (folder / name).write_text(name)
        given[node.name] = {name: sorted(p.name for p in files) for name, files in inputs.items()}
        return Ran(folder)

    given = {}
    pipelines.run(pipelines.nodes(config(), "p"), execute)
    assert given["train"] == {"wheelhouse": ["a-1.0-py3-none-any.whl"], "data": ["x.csv"]}


def test_a_node_that_fails_stops_the_pipeline(tmp_path):
    ran = pipelines.run(pipelines.nodes(config(), "p"), lambda node, inputs: Ran(tmp_path, succeeded=False))
    assert len(ran) == 1


def test_what_the_harness_cannot_run_is_named():
    data = yaml.safe_load(FILE)
    data[3]["pipeline"]["edges"].append(["data.metadata.rows", "train.parameter.rows"])
    assert pipelines.problems(Config.parse(data), "p") == [
        "edge data.metadata.rows → train.parameter.rows: the harness passes outputs to inputs only"]
    assert pipelines.problems(config(), "q") == ["valohai.yaml has no pipeline 'q' (pipelines: p)"]
