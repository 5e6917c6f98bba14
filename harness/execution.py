"""Run a step's command as Valohai does: ``/bin/sh -c`` in the repository, under a time limit.

Every execution runs in its own process group; when the time limit passes, or
the harness itself is interrupted, the whole group is killed. The janitor does
the same if the harness dies before it can.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from harness.janitor import janitor

_running: set[int] = set()  # process groups of executions still running


@dataclass(frozen=True)
class Completed:
    exit_code: int | None  # None when killed at the time limit
    timed_out: bool
    output: str
    seconds: float
    time_limit: float


def run(script: str, cwd: Path, env: dict[str, str], time_limit: float, scratch: Path) -> Completed:
    """Run ``script``; a first line ``#!...`` makes it run as a file, as Valohai does."""
    if script.startswith("#!"):
        path = scratch / "valohai-command"
        path.write_text(script + "\n")
        path.chmod(0o755)
        argv = [str(path)]
    else:
        argv = ["/bin/sh", "-c", script]
    started = time.monotonic()
    proc = subprocess.Popen(
        argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, start_new_session=True,
    )
    _running.add(proc.pid)
    janitor.watch_group(proc.pid)
    output: list[bytes] = []
    reader = threading.Thread(target=lambda: output.append(proc.stdout.read()), daemon=True)
    reader.start()
    timed_out = threading.Event()

    def expire():
        if proc.poll() is None:
            timed_out.set()
            _kill_group(proc.pid)

    timer = threading.Timer(time_limit, expire)  # Popen.wait(timeout=) polls; this costs nothing until it fires
    timer.start()
    try:
        proc.wait()
    finally:
        timer.cancel()
        # The execution ends with its main process, as a container does: whatever it
        # left running in the background goes with it, and so does the pipe it holds.
        _kill_group(proc.pid)
        proc.wait()
        _running.discard(proc.pid)
        janitor.forget_group(proc.pid)
    reader.join(timeout=5)  # a process that left the group may hold the pipe; don't wait on it
    proc.stdout.close()
    return Completed(
        exit_code=None if timed_out.is_set() else proc.returncode,
        timed_out=timed_out.is_set(),
        output=b"".join(output).decode("utf-8", errors="replace"),
        seconds=time.monotonic() - started,
        time_limit=time_limit,
    )


def kill_all() -> None:
    """Kill every execution still running (called when the harness is interrupted)."""
    for pgid in list(_running):
        _kill_group(pgid)


def _kill_group(pgid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)
