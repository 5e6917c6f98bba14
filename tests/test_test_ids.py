"""What pytest shows for a recipe: ids a contributor can pass back, and a short summary that says what failed."""

import shutil
import subprocess
import sys

from tests.conftest import EXAMPLES, harness_env, harness_project


def pytest_in(project, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pytest", "-n", "0", "-rf", *args], cwd=project,
                          capture_output=True, text=True, env=harness_env(COLUMNS="200"), timeout=120)


def test_one_model_of_a_shared_run_runs_alone_and_its_summary_names_the_first_failed_expectation(tmp_path):
    project = harness_project(tmp_path / "project")
    recipe = project / "examples" / "missing-package"
    shutil.copytree(EXAMPLES / "missing-package", recipe)
    scenarios = recipe / "scenarios.yaml"
    scenarios.write_text(scenarios.read_text().replace("index-answered: [404]", "index-answered: [403]"))
    shared = "examples/missing-package/scenarios.yaml::misspelled-name[lines+sh,and-chain+sh]"
    assert shared in pytest_in(project, "--collect-only", "-q", "examples").stdout  # one run stands for both

    alone = "examples/missing-package/scenarios.yaml::misspelled-name[and-chain+sh]"
    result = pytest_in(project, alone)
    assert "1 failed" in result.stdout, result.stdout
    assert f"FAILED {alone} - FAIL  an index answered HTTP 403" in result.stdout, result.stdout
