"""Executions are hermetic: nothing comes in from the invoking shell, nothing leaks out."""

from pathlib import Path

import pytest

from harness import recipes
from harness.runner import run_scenario
from tests.conftest import EXAMPLES, FIXTURES

PROBES = sorted((FIXTURES / "probes").iterdir())


@pytest.mark.parametrize("folder", PROBES, ids=lambda p: p.name)
def test_probe(folder, lab, monkeypatch):
    for name, value in {
        "PIP_INDEX_URL": "http://leak.invalid/simple",
        "PIP_FIND_LINKS": "/leak.invalid",
        "UV_INDEX_URL": "http://leak.invalid/simple",
    }.items():
        monkeypatch.setenv(name, value)
    recipe = recipes.load(folder)
    for name in recipe.scenarios:
        run = run_scenario(lab, recipe, name)
        assert run.passed, run.report()


def snapshot(*folders: Path) -> dict[str, bytes]:
    return {
        str(path): path.read_bytes()
        for folder in folders if folder.exists()
        for path in sorted(folder.rglob("*")) if path.is_file()
    }


def test_pip_config_set_leaves_the_users_configuration_and_the_recipe_alone(lab):
    home = Path.home()
    user_config = (home / ".config" / "pip", home / ".pip")
    recipe_folder = EXAMPLES / "use-in-executions"
    before = snapshot(*user_config), snapshot(recipe_folder)
    run = run_scenario(lab, recipes.load(recipe_folder), "virtual-repository")
    assert "Writing to /root/.config/pip/pip.conf" in run.log, "the step must really call pip config set"
    assert (snapshot(*user_config), snapshot(recipe_folder)) == before


def test_recipes_pass_in_a_network_namespace_with_only_loopback(tmp_path):
    """What the suite proves, it proves without any network: here in a namespace that has only `lo`."""
    import os
    import shutil
    import subprocess
    import sys

    from tests.conftest import ROOT

    if not (shutil.which("unshare") and shutil.which("ip")):
        pytest.fail("this test needs unshare and ip: apt-get install util-linux iproute2", pytrace=False)
    script = (
        "ip link set lo up && "
        f"{sys.executable} -m harness run examples/use-in-executions examples/check-index-url"
        " -s virtual-repository -s reachable -s wrong-password -s host-unreachable"
    )
    result = subprocess.run(
        ["unshare", "--net", "--map-root-user", "sh", "-c", script],
        cwd=ROOT, capture_output=True, text=True, timeout=120, env={**os.environ, "TMPDIR": str(tmp_path)},
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "4 scenario(s): 4 passed, 0 failed" in result.stdout
