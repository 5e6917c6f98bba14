"""Run a step's script as an execution: as root, in the repository, under a time limit.

The script runs in a user and mount namespace of its own (``unshare``), as
root there, as in a ``python:3.x`` container. The namespace lets the execution
see the image's certificate store at ``/etc/ssl/certs`` and none of this
machine's pip or uv configuration, without touching the machine's files.

Every execution runs in its own process group; when the time limit passes, or
the harness itself is interrupted, the whole group is killed. The janitor does
the same if the harness dies before it can.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import shutil
import signal
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from harness import fidelity
from harness.janitor import janitor
from harness.sandbox import Mount

_running: set[int] = set()  # process groups of executions still running



class ExecutionError(RuntimeError):
    """The machine can't run executions as the harness needs (no unshare, no user namespaces)."""


@dataclass(frozen=True)
class Completed:
    exit_code: int | None  # None when killed at the time limit
    timed_out: bool
    output: str
    seconds: float
    time_limit: float

    @property
    def outcome(self) -> str:
        """What a scenario's ``outcome:`` calls it: success, failure or timed-out."""
        return "timed-out" if self.timed_out else ("success" if self.exit_code == 0 else "failure")


def isolated(argv: list[str], mounts: list[Mount], cwd: Path) -> list[str]:
    """``argv`` run as root in ``cwd``, in a user and mount namespace of its own, with ``mounts`` made first.

    A mount that fails stops the execution before its command, with exit code 125 and mount's message.
    """
    unshare = shutil.which("unshare", path="/usr/bin:/bin")
    if unshare is None:
        raise ExecutionError("executions need unshare from util-linux: apt-get install util-linux")
    prelude = "".join(f"{shlex.join(mount.command())} || exit 125; " for mount in mounts)
    prelude += f'cd {shlex.quote(str(cwd))} || exit 125; exec "$@"'
    return [unshare, *fidelity.ROOT_NAMESPACE, "--", "/bin/sh", "-c", prelude, "mounts", *argv]


def run(argv: list[str], env: dict[str, str], time_limit: float, cwd: Path | None = None) -> Completed:
    """Run ``argv`` with stdin closed, stdout and stderr in one log, as Valohai collects them."""
    started = time.monotonic()
    proc = subprocess.Popen(
        argv, cwd=cwd, env=env, stdin=fidelity.CLOSED_STDIN, stdout=subprocess.PIPE,
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
