"""Time limits and process groups: no execution outlives its limit or leaves a process behind."""

import time
from pathlib import Path

from harness import execution, pip_versions, recipes
from tests.conftest import FIXTURES


def alive(pid: int, grace: float = 2.0) -> bool:
    """Whether ``pid`` still runs after ``grace`` seconds (a kill is delivered asynchronously)."""
    deadline = time.monotonic() + grace
    while True:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except FileNotFoundError:
            return False
        if state in ("Z", "X"):
            return False
        if time.monotonic() > deadline:
            return True
        time.sleep(0.05)


def test_time_limit_kills_the_whole_process_group(tmp_path):
    pid_file = tmp_path / "background.pid"
    started = time.monotonic()
    completed = execution.run(
        ["/bin/sh", "-c", f'sleep 600 & echo "$!" > {pid_file}; sleep 600'], {"PATH": "/usr/bin:/bin"}, 1
    )
    assert completed.timed_out and completed.exit_code is None
    assert time.monotonic() - started < 4
    assert not alive(int(pid_file.read_text()))


def test_background_processes_end_with_the_execution(tmp_path):
    pid_file = tmp_path / "background.pid"
    completed = execution.run(["/bin/sh", "-c", f'sleep 600 & echo "$!" > {pid_file}'], {"PATH": "/usr/bin:/bin"}, 10)
    assert completed.exit_code == 0
    assert not alive(int(pid_file.read_text()))


def test_stdin_is_closed_so_a_prompt_cannot_hang(tmp_path):
    completed = execution.run(["/bin/sh", "-c", "read answer; echo \"got '$answer'\""], {"PATH": "/usr/bin:/bin"}, 5)
    assert completed.output == "got ''\n"


def test_the_image_python_is_a_system_install_with_only_the_pinned_pip(lab):
    """Not a virtual environment: pip in python:3.x images is a system install, and warns when run as root."""
    plan = recipes.load(FIXTURES / "probes" / "clean-environment").plan("nothing-inherited")
    box = lab.sandboxes.take()
    try:
        env = box.environment(plan.image)
        script = "python -c 'import sys; print(sys.prefix == sys.base_prefix)'; pip list --format=freeze; id -u"
        argv = execution.isolated(["/bin/sh", "-c", script], box.mounts(lab.template), box.repository)
        completed = execution.run(argv, env, 30)
    finally:
        lab.sandboxes.discard(box)
    assert completed.output.split() == ["True", f"pip=={pip_versions.PINNED}", "0"], completed.output


def test_uv_lives_beside_the_image_not_in_the_virtual_environment(lab):
    """An execution gets its own /tmp: a uv linked from a checkout under /tmp would vanish (exit 127)."""
    assert lab.template.uv.is_file()
    assert lab.template.uv.is_relative_to(lab.template.root.parent)
    assert not lab.template.uv.is_relative_to("/tmp") or lab.template.root.is_relative_to("/tmp")


def test_what_the_execution_leaves_in_its_image_is_seen_from_outside(lab):
    """A file written stays, one deleted (an overlay whiteout) is gone, one the image has is there: a scenario's
    ``files`` expectation reads them so."""
    plan = recipes.load(FIXTURES / "probes" / "clean-environment").plan("nothing-inherited")
    box = lab.sandboxes.take()
    try:
        script = ("mkdir -p $HOME/.config/pip && echo x > $HOME/.config/pip/pip.conf && echo y > $HOME/.netrc "
                  '&& rm $HOME/.netrc && rm "$(command -v python3)"')  # the last one is the image's: a whiteout
        argv = execution.isolated(["/bin/sh", "-c", script], box.mounts(lab.template), box.repository)
        completed = execution.run(argv, box.environment(plan.image), 30)
        assert completed.exit_code == 0, completed.output
        holds = {path: box.holds(path, lab.template.root) for path in (
            "/root/.config/pip/pip.conf", "/root/.netrc", "/usr/local/bin/python3", "/usr/local/bin/python",
            "/root/.cache/pip")}
    finally:
        lab.sandboxes.discard(box)
    assert holds == {"/root/.config/pip/pip.conf": True, "/root/.netrc": False, "/usr/local/bin/python3": False,
                     "/usr/local/bin/python": True, "/root/.cache/pip": False}
