"""A watchdog that cleans up after the harness, however the harness ends.

The harness registers every execution's process group and sandbox with it
through a pipe. When the pipe closes (the harness exited, was interrupted, or
was killed outright) the janitor kills the groups still registered and removes
the folders, then exits. Run as ``python -m harness.janitor``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import threading


class Janitor:
    """The harness's end of the pipe; one per process, started on first use."""

    def __init__(self):
        self._lock = threading.Lock()
        self._proc: subprocess.Popen | None = None

    def watch_group(self, pgid: int) -> None:
        self._send(f"+group {pgid}")

    def forget_group(self, pgid: int) -> None:
        self._send(f"-group {pgid}")

    def watch_path(self, path: str) -> None:
        self._send(f"+path {path}")

    def forget_path(self, path: str) -> None:
        self._send(f"-path {path}")

    def _send(self, line: str) -> None:
        with self._lock:
            if self._proc is None or self._proc.poll() is not None:
                self._proc = subprocess.Popen(
                    [sys.executable, "-m", "harness.janitor"],
                    stdin=subprocess.PIPE,
                    start_new_session=True,  # a Ctrl-C to the harness must not stop its cleaner
                    cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                )
            self._proc.stdin.write(f"{line}\n".encode())
            self._proc.stdin.flush()


janitor = Janitor()


def _clean(groups: set[int], paths: set[str]) -> None:
    for pgid in groups:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pgid, signal.SIGKILL)
    for path in paths:
        shutil.rmtree(path, ignore_errors=True)


def main() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # only the pipe closing ends the janitor
    groups: set[int] = set()
    paths: set[str] = set()
    for line in sys.stdin:
        sign_kind, _, value = line.strip().partition(" ")
        target = groups if sign_kind.endswith("group") else paths
        item = int(value) if target is groups else value
        (target.add if sign_kind.startswith("+") else target.discard)(item)
    _clean(groups, paths)


if __name__ == "__main__":
    main()
