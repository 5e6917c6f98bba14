"""Local PyPI indexes: pypiserver apps, mounted Artifactory-style, over HTTPS on 127.0.0.1.

One ``IndexHost`` stands in for one real host (``acme.jfrog.io``, ``pypi.org``):
an HTTPS server (cheroot) on its own loopback port that mounts one pypiserver
app per repository path. It speaks HTTPS only, with a certificate from the
session's CA. pypiserver's fallback (a redirect to https://pypi.org/simple/<name>/
for a name it doesn't have) is disabled, except on a repository that follows
pypiserver's default; the redirect then reaches the world's PyPI through the gateway.
"""

from __future__ import annotations

import base64
import binascii
import errno
import functools
import json
import logging
import queue
import re
import ssl
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import cheroot.wsgi
import pypiserver
from cheroot.ssl import Adapter
from cheroot.ssl.builtin import BuiltinSSLAdapter
from pypiserver.config import Config

from harness.credentials import Credentials
from harness.errors import IndexHostError

logging.getLogger("pypiserver").setLevel(logging.WARNING)




@dataclass(frozen=True)
class ServedRepository:
    """How one repository is served: the wheel folders under its URL path, who may read them, how it answers."""

    path: str  # e.g. /artifactory/api/pypi/pypi-local (pip's index URL adds /simple)
    roots: tuple[Path, ...]
    readers: tuple[Credentials, ...] = ()  # empty: anonymous, like pypi.org
    simple: str = "simple"  # the index's last path segment; devpi calls it +simple
    priority_roots: tuple[Path, ...] = ()  # a name found here is served from here alone
    answers_401: bool = False  # wrong credentials get 401 (jfrog-401-wrong-credentials), not pypiserver's 403
    fallback: bool = False  # a name it doesn't have is redirected to pypi.org (pypiserver-fallback)
    forbidden: tuple[Credentials, ...] = ()  # users who authenticate but lack Read: 403 (jfrog-403-no-permission)
    blocked: tuple[tuple[str, str], ...] = ()  # (project, version) Curation blocks: 403 on download (jfrog-curation-403)
    absent_403: bool = False  # a name it doesn't have gets 403, not 404 (uv-pytorch-index-403)
    slow: tuple[tuple[str, float], ...] = ()  # (file, seconds): its download starts that late (fidelity "slow remote")

    def wsgi_app(self):
        app = self._pypiserver(self.roots)
        if self.slow:
            app = _slow(app, dict(self.slow))
        if self.absent_403:
            app = _absent_forbidden(app)
        if self.priority_roots:
            app = _shadowed(app, self._pypiserver(self.priority_roots), self.priority_roots)
        if self.answers_401:
            app = _wrong_credentials_401(app)
        if self.blocked:
            app = _curated(app, frozenset((_normalized(n), v) for n, v in self.blocked), self.readers)
        if self.forbidden:
            app = _without_read(app, self.forbidden)
        return app

    def _pypiserver(self, roots: tuple[Path, ...]):
        # "simple-dir": list the folder on each request; these folders never change. Not pypiserver.app():
        # it builds its default configuration first, whose "auto" backend starts a watchdog observer
        # (an inotify instance, 128 per user) that is never stopped.
        options = {"roots": [str(r) for r in roots], "disable_fallback": not self.fallback}
        if self.readers:
            options |= {"authenticate": ["list", "download"],
                        "auther": lambda user, password: any(c.accepts(user, password) for c in self.readers)}
        else:
            options |= {"authenticate": [], "password_file": "."}
        config = _base_config().with_updates(**options)
        return pypiserver.setup_routes_from_config(pypiserver.app_from_config(config), config)


def _shadowed(merged, shadowing, priority_roots: tuple[Path, ...]):
    """A name the priority roots hold is served from them alone; every other name from the merged app."""
    names = {_project_of(wheel) for root in priority_roots for wheel in root.glob("*.whl")}

    def app(environ, start_response):
        parts = environ.get("PATH_INFO", "").strip("/").split("/")
        if len(parts) >= 2 and parts[0] == "simple" and _normalized(parts[1]) in names:
            return shadowing(environ, start_response)
        return merged(environ, start_response)

    return app


def _wrong_credentials_401(inner):
    """pypiserver answers wrong credentials 403; JFrog documents 401 (jfrog-401-wrong-credentials)."""

    def app(environ, start_response):
        def respond(status: str, headers, exc_info=None):
            if status.startswith("403"):
                # RFC 9110 requires a challenge with every 401; the realm is pypiserver's own, Artifactory's
                # isn't documented.
                status, headers = "401 Unauthorized", [*headers, ("WWW-Authenticate", 'Basic realm="pypi"')]
            return start_response(status, headers, exc_info)

        return inner(environ, respond)

    return app


def _forbidden(environ, start_response, message: str):
    """A 403 with the body JFrog's own CLI parses (``{"errors": [{"status": 403, "message": ...}]}``).

    No body to a HEAD: cheroot sends what the app returns, and bytes after a HEAD's headers would be
    read as the next answer on that connection.
    """
    body = json.dumps({"errors": [{"status": 403, "message": message}]}).encode()
    start_response("403 Forbidden", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [] if environ.get("REQUEST_METHOD") == "HEAD" else [body]


def _absent_forbidden(inner):
    """A name the index doesn't have gets 403 instead of pypiserver's 404, as uv's docs say PyTorch's index answers."""

    def app(environ, start_response):
        answered: list[str] = []

        def respond(status: str, headers, exc_info=None):
            answered.append(status)
            return start_response(status, headers, exc_info) if not status.startswith("404") else (lambda data: None)

        body = inner(environ, respond)
        if not answered or not answered[0].startswith("404"):
            return body
        if hasattr(body, "close"):
            body.close()
        text = b"Forbidden\n"
        start_response("403 Forbidden", [("Content-Type", "text/plain"), ("Content-Length", str(len(text)))])
        return [] if environ.get("REQUEST_METHOD") == "HEAD" else [text]

    return app


def _slow(inner, delays: dict[str, float]):
    """A file's download starts ``delays[file]`` seconds after the request: a remote's first fetch of a large file.

    JFrog documents that a remote fetches a package on its first request (jfrog-remote-cache-on-demand), not how
    long that takes: the delay, and that it applies to every request, are the stand-in's own (``fidelity``).
    """

    def app(environ, start_response):
        parts = environ.get("PATH_INFO", "").strip("/").split("/")
        if len(parts) == 2 and parts[0] == "packages" and parts[1] in delays:
            time.sleep(delays[parts[1]])
        return inner(environ, start_response)

    return app


def _without_read(inner, users: tuple[Credentials, ...]):
    """Users who authenticate but hold no Read permission on the repository are denied: 403, as JFrog documents."""

    def app(environ, start_response):
        if _sent_by(environ, users):
            return _forbidden(environ, start_response, "Forbidden")
        return inner(environ, start_response)

    return app


def _curated(inner, blocked: frozenset[tuple[str, str]], readers: tuple[Credentials, ...]):
    """Downloads of the versions a Curation policy blocks get 403 with Curation's message; listings are untouched.

    Only a reader's request gets that far: any other is answered as without Curation. The message is
    the one JFrog's own CLI parses (jfrog-curation-403); the policy and condition names are an
    administrator's, made up here.
    """

    def app(environ, start_response):
        parts = environ.get("PATH_INFO", "").strip("/").split("/")
        if (not readers or _sent_by(environ, readers)) and len(parts) == 2 and parts[0] == "packages" and parts[1].endswith(".whl"):
            name, version = parts[1].split("-")[:2]
            if (_normalized(name), version) in blocked:
                return _forbidden(environ, start_response, (
                    f"Package {_normalized(name)}:{version} download was blocked by JFrog Packages Curation service "
                    "due to the following policies violated {ml-approved-versions, Version not approved}."))
        return inner(environ, start_response)

    return app


def _sent_by(environ, users: tuple[Credentials, ...]) -> bool:
    """Whether the request's ``Authorization: Basic`` credentials are one of ``users``'."""
    scheme, _, encoded = environ.get("HTTP_AUTHORIZATION", "").partition(" ")
    if scheme.lower() != "basic":
        return False
    try:
        user, sep, password = base64.b64decode(encoded, validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return False
    return bool(sep) and any(c.accepts(user, password) for c in users)


@functools.cache
def _base_config() -> Config:
    """pypiserver's configuration from its command line, parsed once: each parse builds its whole argparse parser."""
    return Config.from_args(["run", "--backend", "simple-dir"])


def _normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _project_of(wheel: Path) -> str:
    return _normalized(wheel.name.split("-")[0])


class _TLSAdapter(BuiltinSSLAdapter):
    """cheroot's TLS, minus the loopback handshake per certificate it makes to fill SSL_SERVER_* (unused here)."""

    def __init__(self, certificate: Path, private_key: Path):
        Adapter.__init__(self, str(certificate), str(private_key))
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(certificate, private_key)
        self._server_env = {}


class IndexHost:
    """An HTTPS server on 127.0.0.1 that stands in for one real host.

    cheroot speaks HTTP/1.1 with keep-alive, as real index hosts do, so pip and uv
    reuse their connections instead of verifying a certificate per request.
    """

    def __init__(self, name: str, shown_as: str, mounts: list[ServedRepository], certificate: tuple[Path, Path], port: int = 0):
        self.name = name
        self.shown_as = shown_as  # the real origin it stands for; executions reach it by that name and the port
        self.hostname = shown_as.split("://", 1)[1]
        self.mounts = {mount.path: mount for mount in mounts}
        self.certificate = certificate  # (certificate chain, private key) files
        self.requested_port = port
        self.statuses: Counter[int] = Counter()
        self.with_credentials = 0  # requests that carried an Authorization header: credentials a client sent here
        self._lock = threading.Lock()
        self._server: cheroot.wsgi.Server | None = None
        self._thread: threading.Thread | None = None
        self._started: queue.Queue[BaseException | None] | None = None
        self._apps = {path: mount.wsgi_app() for path, mount in self.mounts.items()}

    @property
    def port(self) -> int:
        if self._server is None:
            raise IndexHostError(f"index host {self.name} is not running")
        return self._server.bind_addr[1]

    @property
    def origin(self) -> str:
        """Where the harness itself reaches it (``tls.SessionCA.client_context`` checks the chain, not the name)."""
        return f"https://127.0.0.1:{self.port}"

    def url(self, path: str, userinfo: str = "") -> str:
        """The index URL an execution uses: the real name, which its /etc/hosts resolves to 127.0.0.1, and the port."""
        at = f"{userinfo}@" if userinfo else ""
        return f"https://{at}{self.hostname}:{self.port}{path}/{self.mounts[path].simple}"

    def start(self) -> IndexHost:
        return self.begin().ready()

    def begin(self) -> IndexHost:
        """Start serving in a thread of its own; ``ready`` waits until it listens (a lab begins all hosts first)."""
        server = cheroot.wsgi.Server(
            ("127.0.0.1", self.requested_port), self._dispatch, numthreads=6, server_name=self.shown_as,
            request_queue_size=64, timeout=30,
        )
        server.ssl_adapter = _TLSAdapter(*self.certificate)
        server.expiration_interval = 0.1  # how often serve() looks up from its connections, so stop() is quick
        # Clients that refuse the certificate (the recipes about certificates) are the story, not noise to print.
        server.error_log = lambda *args, **kwargs: None
        started: queue.Queue[BaseException | None] = queue.Queue()

        def run() -> None:
            # Threads inherit "daemon" from the thread that starts them: cheroot's workers, started
            # by prepare() here, must never keep a crashed harness alive.
            try:
                server.prepare()
            except BaseException as exc:  # noqa: BLE001 - handed to ready() as it is
                started.put(exc)
                return
            started.put(None)
            server.serve()

        self._server = server
        self._started = started
        self._thread = threading.Thread(target=run, name=f"index {self.name}", daemon=True)
        self._thread.start()
        return self

    def ready(self) -> IndexHost:
        failure = self._started.get(timeout=30)
        if failure is not None:
            self._server = None
            if isinstance(failure, OSError) and (failure.errno == errno.EADDRINUSE or "in use" in str(failure)):
                raise IndexHostError(
                    f"cannot start index host {self.name} ({self.shown_as}): "
                    f"port 127.0.0.1:{self.requested_port} is already in use"
                ) from None
            raise failure
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._thread.join(timeout=5)
        self._server = None

    def is_running(self) -> bool:
        return self._server is not None and self._thread is not None and self._thread.is_alive()

    def _dispatch(self, environ, start_response):
        """Route to the repository mounted at the path, counting the status each answer carries.

        Every answer not documented by a vendor is pypiserver's own: 401 with ``Basic realm="pypi"`` without
        credentials, 403 to wrong ones, 404 for a name it doesn't have (``fidelity.DEVIATIONS`` lists them).
        """

        path = environ.get("PATH_INFO", "")
        if environ.get("HTTP_AUTHORIZATION"):
            with self._lock:
                self.with_credentials += 1
        for prefix, app in self._apps.items():
            if path == prefix or path.startswith(prefix.rstrip("/") + "/"):

                def respond(status: str, headers, exc_info=None):
                    self._count(int(status.split()[0]))
                    return start_response(status, headers, exc_info)

                environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "") + prefix.rstrip("/")
                rest = path[len(prefix.rstrip("/")) :]
                simple = f"/{self.mounts[prefix].simple}"
                if simple != "/simple" and (rest == simple or rest.startswith(simple + "/")):
                    rest = "/simple" + rest[len(simple) :]  # pypiserver serves /simple/ only
                environ["PATH_INFO"] = rest
                environ["wsgi.url_scheme"] = "https"
                return app(environ, respond)
        self._count(404)
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [f"No repository at {path}\n".encode()]

    def _count(self, status: int) -> None:
        with self._lock:
            self.statuses[status] += 1
