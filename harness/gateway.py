"""The proxy every execution gets: the public hosts are reachable through it, nothing else outside 127.0.0.1.

Executions get it as ``HTTP(S)_PROXY``/``ALL_PROXY``, with ``NO_PROXY`` set to
loopback, where the private stand-ins listen. A ``CONNECT`` to ``pypi.org:443``
or ``files.pythonhosted.org:443`` becomes a tunnel to the world's stand-in PyPI,
whose certificate is valid for those names: pip and uv see the real
``https://pypi.org/simple``, their default, with nothing configured; so does
``download.pytorch.org:443``, to PyTorch's. A private stand-in's name on port 443
(and on its own port) tunnels to it too, for an execution whose NO_PROXY leaves that
name out: a file that names the real URL (a uv.lock) then reaches it unchanged. Any
other request is refused at once with a 403 that names the address, and recorded.
"""

from __future__ import annotations

import contextlib
import socket
import socketserver
import threading


class _Handler(socketserver.StreamRequestHandler):
    rbufsize = 0  # unbuffered: bytes after the request's headers belong to the tunnel

    def handle(self):
        request_line = self.rfile.readline(4096).decode("latin-1").strip()
        while self.rfile.readline(65536) not in (b"\r\n", b"\n", b""):
            pass  # headers: nothing in them matters here
        parts = request_line.split()
        method, target = (parts[0], parts[1]) if len(parts) > 1 else ("?", "?")
        port = self.server.gateway.tunnels.get(target) if method == "CONNECT" else None
        if port is None:
            self.server.gateway._record(target)
            body = f"The test harness blocks every address outside 127.0.0.1 but pypi.org (asked for {target}).\n"
            self.wfile.write(
                "HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\n"
                f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n{body}".encode()
            )
            return
        try:
            upstream = socket.create_connection(("127.0.0.1", port), timeout=10)
        except OSError:
            self.wfile.write(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            return
        upstream.settimeout(None)
        self.wfile.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
        _relay(self.connection, upstream)


def _relay(client: socket.socket, upstream: socket.socket) -> None:
    """Copy bytes both ways until both sides have finished sending."""
    for end in (client, upstream):  # no Nagle delay: a relayed request must not wait for an ACK
        end.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def pump(source: socket.socket, sink: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        with contextlib.suppress(OSError):
            sink.shutdown(socket.SHUT_WR)

    back = threading.Thread(target=pump, args=(upstream, client), daemon=True)
    back.start()
    pump(client, upstream)
    back.join(timeout=30)
    upstream.close()


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64


class Gateway:
    """One world's way out: tunnels to its stand-ins by name (``host:port`` → local port), a refusal for the rest."""

    def __init__(self, tunnels: dict[str, int]):
        self.tunnels = dict(tunnels)
        self.attempts: list[str] = []
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.gateway = self
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.1}, name="gateway", daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> Gateway:
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread.is_alive():
            self._server.shutdown()
        self._server.server_close()

    def _record(self, target: str) -> None:
        with self._lock:
            self.attempts.append(target)

