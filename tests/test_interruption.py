"""Interrupt a real pytest run mid-execution: nothing it started may survive."""

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import harness_env, harness_project


@pytest.fixture
def marker() -> str:
    """A sleep duration no other test uses, so concurrent tests don't see each other's processes."""
    return str(random.randint(80_000, 89_999))


def sleeping_processes(marker: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and (entry / "cmdline").read_bytes() == f"sleep\0{marker}\0".encode():
                found.append(int(entry.name))
        except OSError:
            pass
    return found


def wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def project_with_a_hanging_recipe(root: Path, marker: str) -> Path:
    recipe = root / "examples" / "hangs"
    recipe.mkdir(parents=True)
    (recipe / "valohai.yaml").write_text(
        f"- step:\n    name: hang\n    image: python:3.12\n    command:\n      - pip --version\n      - sleep {marker}\n"
    )
    (recipe / "scenarios.yaml").write_text(
        "step: hang\nscenarios:\n  forever:\n    description: Sleeps.\n    time-limit: 600\n"
        "    expect:\n      outcome: success\n"
    )
    return harness_project(root)


@pytest.mark.parametrize(
    ("signum", "workers"),
    [(signal.SIGINT, "0"), (signal.SIGTERM, "1")],
    ids=["sigint-serial", "sigterm-parallel"],
)
def test_interrupted_run_leaves_no_process_and_no_temporary_folder(tmp_path, scratch_dir, marker, signum, workers):
    project = project_with_a_hanging_recipe(tmp_path / "project", marker)
    temp = scratch_dir
    env = harness_env(TMPDIR=str(temp))
    run = subprocess.Popen(
        [sys.executable, "-m", "pytest", "-n", workers, "examples"],
        cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
    )
    try:
        assert wait_for(lambda: sleeping_processes(marker), 60), "the execution never started"
        run.send_signal(signum)
        output = run.communicate(timeout=60)[0].decode()
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
    assert wait_for(lambda: not sleeping_processes(marker), 10), f"the execution survived:\n{output}"
    # pytest's own basetemp (pytest-of-<user>) may stay, as pytest keeps recent ones; none of the harness's may.
    ours = lambda: [p.name for p in temp.iterdir() if p.name.startswith("harness-")]
    assert wait_for(lambda: not ours(), 10), f"left behind in the temp folder: {ours()}"
    assert "Interrupted" in output or "KeyboardInterrupt" in output, output


def test_a_killed_harness_is_cleaned_up_by_its_janitor(tmp_path, scratch_dir, marker):
    """SIGKILL runs no handler: the janitor process sees its pipe close and cleans up."""
    project = project_with_a_hanging_recipe(tmp_path / "project", marker)
    temp = scratch_dir
    env = harness_env(TMPDIR=str(temp))
    run = subprocess.Popen(
        [sys.executable, "-m", "harness", "run", str(project / "examples" / "hangs")],
        cwd=project, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        assert wait_for(lambda: sleeping_processes(marker), 60), "the execution never started"
        assert [p.name for p in temp.iterdir() if p.name.startswith("harness-")], "no sandbox to clean up"
    finally:
        run.kill()
        run.wait()
    assert wait_for(lambda: not sleeping_processes(marker), 10), "the execution survived its harness"
    assert wait_for(lambda: not list(temp.iterdir()), 10), f"left behind: {sorted(p.name for p in temp.iterdir())}"
