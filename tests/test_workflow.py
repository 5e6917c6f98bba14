"""The GitHub workflow can't run here, so its shape is checked against GitHub's schema instead."""

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_matches_githubs_schema(workflow: Path):
    checker = Path(sys.executable).parent / "check-jsonschema"
    if not checker.exists():
        pytest.fail("check-jsonschema is missing: pip install -r requirements.txt", pytrace=False)
    result = subprocess.run(
        [str(checker), "--builtin-schema", "vendor.github-workflows", str(workflow)],
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_ci_and_the_workflow_run_readmes_test_command():
    readme = (ROOT / "README.md").read_text()
    command = ".venv/bin/pip install -r requirements.txt && .venv/bin/python -m harness fetch-pips && .venv/bin/pytest"
    assert command in readme
    ci = (ROOT / ".ci" / "run").read_text()
    assert command in ci
    assert ci.index(command) < ci.index(".venv/bin/pytest --pip-matrix"), "then the pip matrix"
    assert all("./.ci/run" in w.read_text() for w in WORKFLOWS if "test:" in w.read_text())


def test_the_workflow_runs_one_job_per_pip_of_the_matrix():
    import yaml

    from harness import pip_versions

    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "docs.yml").read_text())
    assert workflow["jobs"]["pip-matrix"]["strategy"]["matrix"]["pip"] == list(pip_versions.MATRIX)
    assert "pip-matrix" in workflow["jobs"]["pip-matrix-table"]["needs"]
