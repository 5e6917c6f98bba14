"""Hosts that fail the way real ones do: nothing listens, a firewall drops packets, a server never answers.

Each is a socket on 127.0.0.1 in the state that produces the failure for real,
so pip's, uv's and curl's own timeouts and errors are what the logs show:

- ``refused``: bound but not listening; the kernel refuses every connection.
- ``dropped``: listening with a full accept queue that nobody empties; the
  kernel drops further connection attempts, and clients time out connecting.
- ``silent``: accepts connections and never sends a byte; clients time out reading.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from typing import Literal

Failure = Literal["refused", "dropped", "silent"]


class FailingHost:
    def __init__(self, failure: Failure):
        self.failure = failure
        self._socket = socket.socket()
        self._held: list[socket.socket] = []
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()

    @property
    def port(self) -> int:
        return self._socket.getsockname()[1]

    def start(self) -> FailingHost:
        self._socket.bind(("127.0.0.1", 0))
        if self.failure == "dropped":
            self._socket.listen(0)
            for _ in range(2):  # fills the accept queue: later handshakes get no answer to their SYN
                filler = socket.socket()
                filler.setblocking(False)
                with contextlib.suppress(BlockingIOError):
                    filler.connect(("127.0.0.1", self.port))
                self._held.append(filler)
        elif self.failure == "silent":
            self._socket.listen(64)
            self._socket.settimeout(0.1)
            self._thread = threading.Thread(target=self._hold, name="silent host", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        for held in self._held:
            held.close()
        self._socket.close()

    def _hold(self) -> None:
        """Accept every connection and keep it open, silent, until the lab stops."""
        while not self._stopping.is_set():
            try:
                connection, _ = self._socket.accept()
            except (TimeoutError, OSError):
                continue
            self._held.append(connection)
