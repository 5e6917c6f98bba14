"""One session's stub wheels, index hosts, tripwire and sandboxes, started and stopped together.

A scenario sees one of two *worlds*: the normal one, or one where an attacker
has published higher versions of private names on the public index (the
``squatter``) and the Artifactory virtual repository's PyPI remote serves them.
"""

from __future__ import annotations

import base64
import functools
import fnmatch
import os
import secrets
import shutil
import socket
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from uv import find_uv_bin

from harness import catalogue, vendors
from harness.janitor import janitor
from harness.indexes import Credentials, IndexHost, IndexHostError, Repo
from harness.sandbox import SandboxPool
from harness.tripwire import Tripwire
from harness.vendors import fake_aws_keys
from harness.wheels import build_repository

LOCAL_REPO = "/artifactory/api/pypi/pypi-local"
VIRTUAL_REPO = "/artifactory/api/pypi/pypi-virtual"
# A virtual repository whose PyPI remote has Artifactory's "Excludes Pattern" set to the private names
EXCLUDING_REPO = "/artifactory/api/pypi/pypi-virtual-excludes"
PRIVATE_NAME_PATTERNS = ("my-*", "package-from-*")
SECONDARY_REPO = "/artifactory/api/pypi/ml-local"
PUBLIC_REPO = ""  # pypi.org serves /simple at its root

UNREACHABLE_HOST = "https://artifactory.acme.internal"


def special_password() -> str:
    """A fresh password with the characters that break URLs: ``@ : / #``, between random runs."""
    runs = [secrets.token_hex(5) for _ in range(5)]
    return f"{runs[0]}@{runs[1]}:{runs[2]}/{runs[3]}#{runs[4]}"


def fake_jfrog_token() -> str:
    """A fresh token shaped like a JFrog reference token (base64 of ``reftkn:01:<expiry>:<random>``)."""
    expiry = int(time.time()) + 30 * 24 * 3600
    raw = f"reftkn:01:{expiry}:{secrets.token_hex(20)}".encode()
    return base64.b64encode(raw).decode().rstrip("=").replace("+", "A").replace("/", "B")


@dataclass(frozen=True)
class Secret:
    """A credential the harness hands out, and every form in which it must never be logged."""

    label: str
    credentials: Credentials

    @functools.cached_property
    def forms(self) -> dict[str, str]:
        c = self.credentials
        basic = base64.b64encode(f"{c.username}:{c.password}".encode()).decode()
        forms = {
            "password": c.password,
            "percent-encoded password": c.userinfo().split(":", 1)[1],
            "base64 of user:password": basic,
        }
        return {name: value for name, value in forms.items() if value}


class Secrets(list):
    """The session's secrets, and where they show in a text, whole or in part."""

    MIN_PIECE = 8  # a run this long of a secret is a leak, even when the rest is masked

    def exposed_in(self, text: str) -> list[tuple[Secret, str, str]]:
        """(secret, form, piece) for each form whose value, or an identifying run of it, is in ``text``.

        A run counts only if no other secret contains it: tokens of one kind share
        structure (JFrog's ``reftkn:01:`` prefix), which identifies nobody.
        """
        windows = _windows(text, self.MIN_PIECE)
        found = []
        for secret in self:
            for form, value in secret.forms.items():
                if value in text:
                    found.append((secret, form, value))
                elif windows.isdisjoint(_secret_windows(value, self.MIN_PIECE)):
                    continue  # the usual case: not even eight characters in common
                else:
                    others = [v for other in self if other is not secret for v in other.forms.values()]
                    found += [
                        (secret, f"part of the {form}", piece)
                        for piece in _runs_in(value, text, windows, self.MIN_PIECE)
                        if not any(piece in other for other in others)
                    ]
        return found


def _windows(text: str, width: int) -> frozenset[str]:
    """Every ``width``-long slice of ``text``."""
    return frozenset(text[i : i + width] for i in range(len(text) - width + 1))


_secret_windows = functools.lru_cache(maxsize=256)(_windows)  # secrets don't change; logs always do


def _runs_in(value: str, text: str, windows: set[str], shortest: int) -> list[str]:
    """The longest runs of ``value``, ``shortest`` characters or more, that occur in ``text``.

    ``windows`` holds every ``shortest``-long slice of ``text``, so most starts cost one lookup.
    """
    runs, start = [], 0
    while start <= len(value) - shortest:
        end = start + shortest
        if value[start:end] not in windows:
            start += 1
            continue
        while end < len(value) and value[start : end + 1] in text:
            end += 1
        runs.append(value[start:end])
        start = end
    return runs


@dataclass(frozen=True)
class World:
    """The index hosts one scenario sees."""

    artifactory: IndexHost
    secondary: IndexHost
    pypi: IndexHost
    vendors: dict[str, IndexHost]
    unreachable_port: int
    credentials: dict[str, Credentials]
    squatter: bool


class Lab:
    """Build the catalogue's wheels and serve them; ``with Lab() as lab:`` stops everything."""

    def __init__(self, workdir: Path | None = None):
        self._own_workdir = workdir is None
        self.workdir = Path(workdir or tempfile.mkdtemp(prefix="harness-lab-"))
        if self._own_workdir:
            janitor.watch_path(str(self.workdir))
        self.credentials = {
            "private": Credentials("valohai-ci", fake_jfrog_token()),
            "private-revoked": Credentials("valohai-ci", fake_jfrog_token()),
            "secondary": Credentials("ml-team-ci", fake_jfrog_token()),
            "special": Credentials("jane.doe@acme.com", special_password()),
            "aws": fake_aws_keys(),
        }
        self.credentials |= vendors.fake_credentials(self.credentials["aws"])
        self.pip_version = metadata.version("pip")
        self.uv_version = metadata.version("uv")
        self.hosts: list[IndexHost] = []
        self.sandboxes: SandboxPool | None = None
        self.tripwire = Tripwire()
        self._worlds: dict[bool, World] = {}
        self._unreachable = socket.socket()  # bound, never listening: connections are refused

    @property
    def secrets(self) -> Secrets:
        return Secrets(Secret(label, creds) for label, creds in self.credentials.items())

    @property
    def pinned_pip(self) -> Path:
        """A folder holding only the pinned pip, added to each execution's sys.path."""
        return self.workdir / "pinned-pip"

    @property
    def uv_dir(self) -> Path:
        """A folder holding only the uv binary, put on PATH for uv's images."""
        return self.workdir / "uv-bin"

    def start(self) -> Lab:
        wheels = self.workdir / "wheels"
        self.uv_dir.mkdir(parents=True)
        (self.uv_dir / "uv").symlink_to(find_uv_bin())
        dirs = {repo.name: build_repository(repo, wheels / repo.name) for repo in catalogue.REPOSITORIES}
        self._copy_pinned_pip()
        self.sandboxes = SandboxPool(self.pinned_pip).start()
        readers = (self.credentials["private"], self.credentials["special"])
        secondary = self.credentials["secondary"]

        def artifactory(name: str, public_roots: tuple[Path, ...]) -> IndexHost:
            return IndexHost(
                name,
                "https://acme.jfrog.io",
                [
                    Repo(LOCAL_REPO, (dirs["private"],), readers),
                    Repo(VIRTUAL_REPO, (dirs["private"], *public_roots), readers),
                    Repo(EXCLUDING_REPO, (dirs["private"], _without_private_names(public_roots, wheels)), readers),
                ],
            )

        clean_pypi = (dirs["pypi"],)
        squatted_pypi = (dirs["pypi"], dirs["squatter"])
        shared_secondary = IndexHost(
            "secondary", "https://acme-ml.jfrog.io", [Repo(SECONDARY_REPO, (dirs["secondary"],), (secondary,))]
        )
        vendor_hosts = {
            v.name: IndexHost(v.name, v.shown_as, [Repo(v.path, (dirs["private"],), (self.credentials[v.name],), v.simple)])
            for v in vendors.VENDORS
        }
        worlds = {
            False: (artifactory("artifactory", clean_pypi), IndexHost("pypi", "https://pypi.org", [Repo(PUBLIC_REPO, clean_pypi)])),
            True: (
                artifactory("artifactory-with-squatter", squatted_pypi),
                IndexHost("pypi-with-squatter", "https://pypi.org", [Repo(PUBLIC_REPO, squatted_pypi)]),
            ),
        }
        self._unreachable.bind(("127.0.0.1", 0))
        try:
            for host in [shared_secondary, *vendor_hosts.values(), *(h for pair in worlds.values() for h in pair)]:
                self.hosts.append(host.start())
            self.tripwire.start()
        except Exception:
            self.stop()
            raise
        for squatter, (jfrog, pypi) in worlds.items():
            self._worlds[squatter] = World(
                jfrog, shared_secondary, pypi, vendor_hosts, self._unreachable.getsockname()[1], self.credentials, squatter
            )
        return self

    def world(self, squatter: bool = False) -> World:
        world = self._worlds[squatter]
        for host in (world.artifactory, world.secondary, world.pypi, *world.vendors.values()):
            if not host.is_running():
                raise IndexHostError(
                    f"index host {host.name} ({host.shown_as}) stopped answering during the session"
                )
        return world

    def shown_origins(self) -> dict[str, str]:
        """Local origin (``http://127.0.0.1:PORT``) → the realistic origin logs show instead."""
        shown = {host.origin: host.shown_as for host in self.hosts if host.is_running()}
        shown[f"http://127.0.0.1:{self._unreachable.getsockname()[1]}"] = UNREACHABLE_HOST
        return shown

    def statuses(self) -> Counter[int]:
        """HTTP statuses every index host has answered so far."""
        total: Counter[int] = Counter()
        for host in self.hosts:
            total.update(host.statuses)
        return total

    def stop(self) -> None:
        if self.sandboxes is not None:
            self.sandboxes.stop()
        for host in self.hosts:
            host.stop()
        self.hosts.clear()
        self.tripwire.stop()
        self._unreachable.close()
        if self._own_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)
            janitor.forget_path(str(self.workdir))

    def __enter__(self) -> Lab:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def _copy_pinned_pip(self) -> None:
        dist = metadata.distribution("pip")
        package = Path(dist.locate_file("pip"))
        dist_info = Path(dist._path)  # noqa: SLF001 - importlib.metadata has no public accessor
        shutil.copytree(package, self.pinned_pip / "pip", ignore=shutil.ignore_patterns("__pycache__"))
        shutil.copytree(dist_info, self.pinned_pip / dist_info.name)


def _without_private_names(roots: tuple[Path, ...], wheels: Path) -> Path:
    """The public wheels an Artifactory remote with ``PRIVATE_NAME_PATTERNS`` excluded still serves."""
    target = wheels / ("remote-excluding-" + "-".join(root.name for root in roots))
    target.mkdir()
    for root in roots:
        for wheel in root.glob("*.whl"):
            project = wheel.name.split("-")[0].replace("_", "-")
            if not any(fnmatch.fnmatch(project, pattern) for pattern in PRIVATE_NAME_PATTERNS):
                os.link(wheel, target / wheel.name)
    return target
