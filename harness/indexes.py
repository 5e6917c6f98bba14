"""Local PyPI indexes: pypiserver apps, mounted Artifactory-style on 127.0.0.1.

One ``IndexHost`` stands in for one real host (``acme.jfrog.io``, ``pypi.org``):
an HTTP server on its own loopback port that mounts one pypiserver app per
repository path. Fallback to the real pypi.org is always disabled.
"""

from __future__ import annotations

import errno
import hmac
import logging
import threading
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from socketserver import ThreadingMixIn
from urllib.parse import quote
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pypiserver

logging.getLogger("pypiserver").setLevel(logging.WARNING)


class IndexHostError(RuntimeError):
    """An index host could not start or stopped answering."""


@dataclass(frozen=True)
class Credentials:
    username: str
    password: str

    def userinfo(self) -> str:
        """The ``user:password`` part of a URL, percent-encoded as a URL needs ('+' may stay, as GitLab writes it)."""
        return f"{quote(self.username, safe='+')}:{quote(self.password, safe='+')}"

    def accepts(self, username: str, password: str) -> bool:
        return hmac.compare_digest(username, self.username) and hmac.compare_digest(
            password, self.password
        )


@dataclass(frozen=True)
class Repo:
    """One repository: the wheel folders it serves under a URL path, and who may read it."""

    path: str  # e.g. /artifactory/api/pypi/pypi-local (pip's index URL adds /simple)
    roots: tuple[Path, ...]
    readers: tuple[Credentials, ...] = ()  # empty: anonymous, like pypi.org
    simple: str = "simple"  # the index's last path segment; devpi calls it +simple

    def wsgi_app(self):
        # "simple-dir": list the folder on each request. The default caching backend starts an
        # inotify watcher per app when watchdog is installed; these folders never change anyway.
        common = {"roots": [str(r) for r in self.roots], "disable_fallback": True, "backend_arg": "simple-dir"}
        if not self.readers:
            return pypiserver.app(authenticate=[], password_file=".", **common)
        return pypiserver.app(
            authenticate=["list", "download"],
            auther=lambda user, password: any(c.accepts(user, password) for c in self.readers),
            **common,
        )


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    request_queue_size = 64


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the stdlib's signature
        pass


class IndexHost:
    """An HTTP server on 127.0.0.1 that stands in for one real host."""

    def __init__(self, name: str, shown_as: str, repos: list[Repo], port: int = 0):
        self.name = name
        self.shown_as = shown_as  # the realistic origin the guide's logs show instead
        self.repos = {repo.path: repo for repo in repos}
        self._simple = {repo.path: repo.simple for repo in repos}
        self.requested_port = port
        self.statuses: Counter[int] = Counter()
        self._lock = threading.Lock()
        self._server: WSGIServer | None = None
        self._thread: threading.Thread | None = None
        self._apps = {path: repo.wsgi_app() for path, repo in self.repos.items()}

    @property
    def port(self) -> int:
        if self._server is None:
            raise IndexHostError(f"index host {self.name} is not running")
        return self._server.server_port

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str, credentials: Credentials | None = None) -> str:
        """The index URL of the repository at ``path``, with credentials if given."""
        userinfo = f"{credentials.userinfo()}@" if credentials else ""
        return f"http://{userinfo}127.0.0.1:{self.port}{path}/{self._simple[path]}"

    def start(self) -> IndexHost:
        try:
            self._server = make_server(
                "127.0.0.1",
                self.requested_port,
                self._dispatch,
                server_class=_ThreadingServer,
                handler_class=_QuietHandler,
            )
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise IndexHostError(
                    f"cannot start index host {self.name} ({self.shown_as}): "
                    f"port 127.0.0.1:{self.requested_port} is already in use"
                ) from None
            raise
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.1},
            name=f"index {self.name}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)
        self._server = None

    def is_running(self) -> bool:
        return self._server is not None and self._thread is not None and self._thread.is_alive()

    def _dispatch(self, environ, start_response):
        """Route to the repository mounted at the path; answer bad credentials as Artifactory does."""

        def respond(status: str, headers, exc_info=None):
            code = int(status.split()[0])
            if code in (401, 403):  # pypiserver says 403 to wrong credentials; Artifactory says 401
                code, status = 401, "401 Unauthorized"
                headers = [h for h in headers if h[0].lower() != "www-authenticate"]
                headers.append(("WWW-Authenticate", 'Basic realm="Artifactory Realm"'))
            with self._lock:
                self.statuses[code] += 1
            return start_response(status, headers, exc_info)

        path = environ.get("PATH_INFO", "")
        for prefix, app in self._apps.items():
            if path == prefix or path.startswith(prefix.rstrip("/") + "/"):
                environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "") + prefix.rstrip("/")
                rest = path[len(prefix.rstrip("/")) :]
                simple = f"/{self._simple[prefix]}"
                if simple != "/simple" and (rest == simple or rest.startswith(simple + "/")):
                    rest = "/simple" + rest[len(simple) :]  # pypiserver serves /simple/ only
                environ["PATH_INFO"] = rest
                return app(environ, respond)
        respond("404 Not Found", [("Content-Type", "text/plain")])
        return [f"No repository at {path}\n".encode()]
