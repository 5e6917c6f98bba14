"""Time limits and process groups: no execution outlives its limit or leaves a process behind."""

import time
from pathlib import Path

from harness import execution
from harness.sandbox import Sandbox


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
        f'sleep 600 & echo "$!" > {pid_file}; sleep 600', tmp_path, {"PATH": "/usr/bin:/bin"}, 1, tmp_path
    )
    assert completed.timed_out and completed.exit_code is None
    assert time.monotonic() - started < 4
    assert not alive(int(pid_file.read_text()))


def test_background_processes_end_with_the_execution(tmp_path):
    pid_file = tmp_path / "background.pid"
    completed = execution.run(f'sleep 600 & echo "$!" > {pid_file}', tmp_path, {"PATH": "/usr/bin:/bin"}, 10, tmp_path)
    assert completed.exit_code == 0
    assert not alive(int(pid_file.read_text()))


def test_stdin_is_closed_so_a_prompt_cannot_hang(tmp_path):
    completed = execution.run("read answer; echo \"got '$answer'\"", tmp_path, {"PATH": "/usr/bin:/bin"}, 5, tmp_path)
    assert completed.output == "got ''\n"


def test_sandbox_python_has_only_the_pinned_pip(lab, tmp_path):
    box = Sandbox.blank(tmp_path / "box", lab.pinned_pip).fill(tmp_path, [], "http://127.0.0.1:9/simple")
    completed = execution.run("pip list --format=freeze", box.repository, box.image_environment(lab.tripwire.url), 30, box.root)
    assert completed.output.split() == [f"pip=={lab.pip_version}"]
