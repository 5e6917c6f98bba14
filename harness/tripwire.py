"""A proxy that refuses every request, so nothing an execution runs leaves 127.0.0.1.

Executions get it as ``HTTP(S)_PROXY``/``ALL_PROXY`` with ``NO_PROXY`` set to
loopback: pip, uv, curl and urllib send anything non-local here, get an
immediate 403 that names the address, and the harness records the attempt.
"""

from __future__ import annotations

import socketserver
import threading


class _Refuse(socketserver.StreamRequestHandler):
    def handle(self):
        request_line = self.rfile.readline(4096).decode("latin-1").strip()
        parts = request_line.split()
        target = parts[1] if len(parts) > 1 else "?"
        self.server.tripwire._record(target)
        body = f"The test harness blocks every address outside 127.0.0.1 (asked for {target}).\n"
        self.wfile.write(
            (
                "HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\n"
                f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n{body}"
            ).encode()
        )


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class Tripwire:
    def __init__(self):
        self.attempts: list[str] = []
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), _Refuse)
        self._server.tripwire = self
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> Tripwire:
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread.is_alive():
            self._server.shutdown()
        self._server.server_close()

    def _record(self, target: str) -> None:
        with self._lock:
            self.attempts.append(target)

    def attempts_since(self, mark: int) -> list[str]:
        with self._lock:
            return self.attempts[mark:]
