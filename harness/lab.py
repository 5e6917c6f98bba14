"""One session's stub wheels, index hosts, gateways and sandboxes, started and stopped together.

The lab starts what ``topology`` declares. A scenario sees one of two
*worlds*: the normal one, or one where an attacker has published higher
versions of private names on the public index (the ``squatter``), which the
Artifactory virtual repository's PyPI remote then serves too.
"""

from __future__ import annotations

import fnmatch
import os
import shutil
import socket
import subprocess
import tempfile
import threading
from collections import Counter
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from uv import find_uv_bin

from harness import catalogue, topology
from harness.credentials import Credentials, Secrets, session_credentials
from harness.gateway import PUBLIC_NAMES, Gateway
from harness.indexes import IndexHost, IndexHostError, ServedRepository
from harness.janitor import janitor
from harness.sandbox import SCRATCH, ImageTemplate, Mount, SandboxPool
from harness.tls import SESSION_CA_NAME, SessionCA
from harness.topology import PUBLIC, Role
from harness.wheels import build_package_set

SYSTEM_CERTS = Path("/etc/ssl/certs")
SYSTEM_BUNDLE = "ca-certificates.crt"
# This machine's pip and uv configuration, which no image has: hidden from every execution.
MACHINE_CONFIGURATION = ("/etc/pip.conf", "/etc/xdg/pip", "/etc/xdg/uv", "/etc/uv")


@dataclass(frozen=True)
class World:
    """The index hosts one scenario sees, and the way out to its PyPI."""

    hosts: dict[str, IndexHost]
    gateway: Gateway
    unreachable_port: int
    credentials: dict[str, Credentials]
    squatter: bool

    def value(self, role: Role) -> str:
        """What a variable given ``role`` holds in this world."""
        creds = self.credentials[role.credentials] if role.credentials else None
        if role.form == "username":
            return creds.username
        if role.form == "password":
            return creds.password
        host = topology.host(role.host)
        if host.real_name:
            return f"{host.shown_as}{role.path}/simple"
        if host.refuses:
            at = f"{creds.userinfo()}@" if creds else ""
            return f"https://{at}127.0.0.1:{self.unreachable_port}{role.path}/simple"
        index = self.hosts[role.host]
        if role.form == "raw-url":
            return index.url(role.path, f"{creds.username}:{creds.password}")
        url = index.url(role.path, creds.userinfo() if creds else "")
        return f"acme={url}" if role.form == "named-url" else url


class Lab:
    """Build the catalogue's wheels and serve them; ``with Lab() as lab:`` stops everything."""

    def __init__(self, workdir: Path | None = None):
        self._own_workdir = workdir is None
        self.workdir = Path(workdir or tempfile.mkdtemp(prefix="harness-lab-", dir=SCRATCH))
        if self._own_workdir:
            janitor.watch_path(str(self.workdir))
        self.credentials = session_credentials()
        self.secrets = Secrets.of(self.credentials)
        self.pip_version = metadata.version("pip")
        self.uv_version = metadata.version("uv")
        self.ca = SessionCA()
        self.hosts: list[IndexHost] = []
        self.gateways: dict[bool, Gateway] = {}
        self.sandboxes: SandboxPool | None = None
        self.template: ImageTemplate | None = None
        self._worlds: dict[bool, World] = {}
        self._unreachable = socket.socket()  # bound, never listening: connections are refused

    def start(self) -> Lab:
        try:
            self.template = self._image_template()
            self.sandboxes = SandboxPool(self.template).start()
            sets = {s.name: build_package_set(s, self.workdir / "wheels" / s.name) for s in catalogue.PACKAGE_SETS}
            self._unreachable.bind(("127.0.0.1", 0))
            shared = {h.name: self._start(h, sets, squatter=False) for h in topology.HOSTS
                      if not h.per_world and not h.refuses}
            for squatter in (False, True):
                hosts = shared | {h.name: self._start(h, sets, squatter) for h in topology.HOSTS if h.per_world}
                gateway = self.gateways[squatter] = Gateway(hosts["pypi"].port).start()
                self._worlds[squatter] = World(
                    hosts, gateway, self._unreachable.getsockname()[1], self.credentials, squatter
                )
        except Exception:
            self.stop()
            raise
        return self

    def world(self, squatter: bool = False) -> World:
        world = self._worlds[squatter]
        for host in world.hosts.values():
            if not host.is_running():
                raise IndexHostError(f"index host {host.name} ({host.shown_as}) stopped answering during the session")
        return world

    def shown_origins(self) -> dict[str, str]:
        """Local origin (``https://127.0.0.1:PORT``) → the realistic origin logs show instead."""
        shown = {host.origin: host.shown_as for host in self.hosts if host.is_running()}
        shown[f"https://127.0.0.1:{self._unreachable.getsockname()[1]}"] = topology.host("unreachable").shown_as
        return shown

    def statuses(self) -> Counter[int]:
        """HTTP statuses every index host has answered so far."""
        total: Counter[int] = Counter()
        for host in self.hosts:
            total.update(host.statuses)
        return total

    def outside_attempts(self) -> list[str]:
        return [a for gateway in self.gateways.values() for a in gateway.attempts]

    def stop(self) -> None:
        if self.sandboxes is not None:
            self.sandboxes.stop()
        servers = [*self.hosts, *self.gateways.values()]
        stopping = [threading.Thread(target=server.stop) for server in servers]  # each waits on its own threads
        for thread in stopping:
            thread.start()
        for thread in stopping:
            thread.join()
        self.hosts.clear()
        self._unreachable.close()
        if self._own_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)
            janitor.forget_path(str(self.workdir))

    def __enter__(self) -> Lab:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def _start(self, host: topology.Host, sets: dict[str, Path], squatter: bool) -> IndexHost:
        public = ("pypi", "squatter") if squatter else ("pypi",)
        served = []
        for repo in host.repositories:
            roots = []
            for name in repo.serves:
                if name != PUBLIC:
                    roots.append(sets[name])
                elif repo.public_excludes:
                    roots.append(self._excluding(public, repo.public_excludes, sets))
                else:
                    roots += [sets[n] for n in public]
            served.append(ServedRepository(repo.path, tuple(roots), tuple(self.credentials[r] for r in repo.readers),
                                           repo.simple))
        names = PUBLIC_NAMES if host.real_name else ()
        name = host.name if not squatter else f"{host.name}-with-squatter"
        index = IndexHost(name, host.shown_as, served, self.ca.issue(self.workdir / "tls", name, *names))
        self.hosts.append(index.start())
        return index

    def _excluding(self, public: tuple[str, ...], patterns: tuple[str, ...], sets: dict[str, Path]) -> Path:
        """The public wheels a PyPI remote with those exclude ``patterns`` still serves."""
        target = self.workdir / "wheels" / ("remote-excluding-" + "-".join(public))
        if not target.exists():
            target.mkdir()
            for wheel in (w for name in public for w in sets[name].glob("*.whl")):
                project = wheel.name.split("-")[0].replace("_", "-")
                if not any(fnmatch.fnmatch(project, pattern) for pattern in patterns):
                    os.link(wheel, target / wheel.name)
        return target

    def _image_template(self) -> ImageTemplate:
        """The image's /usr/local with the pinned pip, and a system certificate store that trusts the session CA."""
        pinned = self.workdir / "pinned-pip"
        dist = metadata.distribution("pip")
        dist_info = Path(dist._path)
        shutil.copytree(Path(dist.locate_file("pip")), pinned / "pip")  # with its .pyc files: still valid, same mtimes
        shutil.copytree(dist_info, pinned / dist_info.name)
        certs = self.workdir / "certs"
        if not (SYSTEM_CERTS / SYSTEM_BUNDLE).is_file():
            raise IndexHostError(f"the emulated images need a Debian certificate store at {SYSTEM_CERTS}: "
                                 "apt-get install ca-certificates")
        shutil.copytree(SYSTEM_CERTS, certs, symlinks=True)
        (certs / SYSTEM_BUNDLE).unlink()  # a link in some stores: write our own copy
        (certs / SYSTEM_BUNDLE).write_bytes((SYSTEM_CERTS / SYSTEM_BUNDLE).read_bytes() + self.ca.pem)
        pem = self.ca.write_pem(certs / f"{SESSION_CA_NAME}.pem")
        hashed = subprocess.run(["openssl", "x509", "-subject_hash", "-noout", "-in", str(pem)],
                                capture_output=True, text=True, check=False).stdout.strip()
        if hashed:  # what update-ca-certificates links, for lookups by directory
            (certs / f"{hashed}.0").symlink_to(pem.name)
        empty_file, empty_dir = self.workdir / "empty-file", self.workdir / "empty-folder"
        empty_file.touch()
        empty_dir.mkdir()
        hidden = tuple(Mount(p, source=empty_dir if Path(p).is_dir() else empty_file)
                       for p in MACHINE_CONFIGURATION if Path(p).exists())
        return ImageTemplate.make(self.workdir / "image", pinned, certs, Path(find_uv_bin()), hidden)
