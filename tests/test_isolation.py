"""Executions are hermetic: nothing comes in from the invoking shell, nothing leaks out."""

from pathlib import Path

import pytest

from harness import execution, fidelity, images, logs, recipes, runner
from harness.images import DOCKER_RUNTIME
from preflight import models
from tests.conftest import EXAMPLES, FIXTURES

PROBES = {"clean-environment": (models.DEFAULT,), "shells": models.MODELS}  # probe -> the models it is about


@pytest.mark.parametrize("probe", PROBES)
def test_probe(probe, lab, monkeypatch):
    for name, value in {
        "PIP_INDEX_URL": "http://leak.invalid/simple",
        "PIP_FIND_LINKS": "/leak.invalid",
        "UV_INDEX_URL": "http://leak.invalid/simple",
    }.items():
        monkeypatch.setenv(name, value)
    recipe = recipes.load(FIXTURES / "probes" / probe)
    for plan in recipe.plans(under=PROBES[probe]):
        run = runner.run(lab, plan)
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
    run = runner.run(lab, recipes.load(recipe_folder).plan("virtual-repository"))
    assert "Writing to /root/.config/pip/pip.conf" in run.log, "the step must really call pip config set"
    assert (snapshot(*user_config), snapshot(recipe_folder)) == before


def test_recipes_pass_in_a_network_namespace_with_only_loopback(scratch_dir):
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
        " -s virtual-repository -s reachable -m lines+sh"
    )
    result = subprocess.run(
        ["unshare", "--net", "--map-root-user", "sh", "-c", script],
        cwd=ROOT, capture_output=True, text=True, timeout=120, env={**os.environ, "TMPDIR": str(scratch_dir)},
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "2 run(s): 2 passed, 0 failed" in result.stdout


SHELL_SET = {"PWD", "OLDPWD", "SHLVL", "_"}  # what sh and bash set for themselves


@pytest.mark.parametrize("image", images.IMAGES, ids=lambda i: i.name)
def test_an_execution_sees_its_images_variables_and_the_listed_deviations_and_nothing_else(lab, tmp_path, image):
    folder = tmp_path / "env-probe"
    folder.mkdir()
    (folder / "valohai.yaml").write_text(
        f"- step:\n    name: show\n    image: {image.name}\n    command: env\n"
        "    environment-variables:\n      - name: STEP_SETTING\n        default: from-the-step\n"
    )
    (folder / "scenarios.yaml").write_text(
        "step: show\nscenarios:\n  env:\n    description: Print the environment.\n    expect:\n      outcome: success\n"
    )
    run = runner.run(lab, recipes.load(folder).plan("env"))
    assert run.passed, run.report()
    seen = dict(line.split("=", 1) for line in run.log.splitlines()[1:] if "=" in line)
    expected = (
        set(image.environment) | set(DOCKER_RUNTIME) | set(run.plan.recipe.valohai.step("show").environment_variables)
        | {name for name in seen if name.startswith("VH_")} | set(fidelity.added_variables(image.has_uv)) | SHELL_SET
    )
    assert set(seen) <= expected and set(seen) >= expected - SHELL_SET - {"OLDPWD"}, sorted(set(seen) ^ expected)
    assert {n: seen[n] for n in image.environment} == image.environment  # paths read as the image's once rewritten
    assert seen["HOME"] == "/root" and seen["VH_REPOSITORY_DIR"] == "/valohai/repository"
    assert sorted(n for n in seen if n.startswith("VH_")) == [
        "VH_CONFIG_DIR", "VH_EXECUTION_ID", "VH_INPUTS_DIR", "VH_OUTPUTS_DIR", "VH_PROJECT_ID", "VH_REPOSITORY_DIR",
    ]
    assert "PIP_NO_INPUT" not in seen and "PIP_DISABLE_PIP_VERSION_CHECK" not in seen


def rerun(lab, plan, change) -> tuple[str, str]:
    """The plan's log as run normally, and as run with its environment passed through ``change``."""
    shown = []
    for changed in (lambda env: env, change):
        prepared = runner.prepare(lab, plan)
        try:
            completed = execution.run(prepared.argv, changed(dict(prepared.env)), prepared.time_limit)
            shown.append(runner.shown_log(lab, lab.toolset(), prepared.box, completed.output))
        finally:
            lab.sandboxes.discard(prepared.box)
    return shown[0], shown[1]


def test_the_proxy_changes_nothing_pip_prints_for_a_private_index(lab):
    plan = recipes.load(EXAMPLES / "verify-authentication").plan("wrong-password")
    without_proxy = lambda env: {k: v for k, v in env.items() if k not in fidelity.PROXY_VARIABLES}  # noqa: E731
    normal, direct = rerun(lab, plan, without_proxy)
    assert normal == direct


def test_the_file_standing_in_for_uvs_own_roots_changes_nothing_uv_prints(lab):
    """uv's images: SSL_CERT_FILE names the roots uv would carry; the image's own store gives the same log."""
    plan = recipes.load(EXAMPLES / "uv").plan("index-credentials")
    assert plan.image.has_uv
    normal, system = rerun(lab, plan, lambda env: {**env, "SSL_CERT_FILE": "/etc/ssl/certs/ca-certificates.crt"})
    assert "Installed" in normal
    assert logs.stable_lines(normal) == logs.stable_lines(system)  # uv prints how long it took


def test_what_an_execution_leaves_in_its_image_is_read_through_its_layer(lab):
    """A scenario's ``files:``: the image exists inside the execution's namespace only, so what it holds afterwards is
    read from outside, in the execution's layer (a deletion is a whiteout there) over the image's files."""
    box = lab.sandboxes.take()
    try:
        script = f"touch {box.home}/.netrc && rm {box.image}{fidelity.UV_ROOTS}"
        argv = execution.isolated(["/bin/sh", "-c", script], box.mounts(lab.template), box.image)
        assert execution.run(argv, {"PATH": "/usr/bin:/bin"}, 10).exit_code == 0
        lower = lab.template.root
        assert box.holds("/root/.netrc", lower)  # written
        assert not box.holds(fidelity.UV_ROOTS, lower)  # deleted
        assert box.holds("/etc/ssl/certs/ca-certificates.crt", lower)  # the image's, untouched
        assert not box.holds("/root/.pip/pip.conf", lower)
    finally:
        lab.sandboxes.discard(box)
