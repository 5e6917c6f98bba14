"""One session's stub wheels, index hosts, gateways and sandboxes, started and stopped together.

The lab starts what ``topology`` declares. A scenario sees one of two
*worlds*: the normal one, or one where an attacker has published higher
versions of private names on the public index (the ``squatter``), which the
Artifactory virtual repository's PyPI remote then serves too.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from uv import find_uv_bin

from harness import catalogue, topology
from harness.credentials import Credentials, Secrets, session_credentials
from harness.faults import FailingHost
from harness.gateway import PUBLIC_NAMES, Gateway
from harness.indexes import IndexHost, IndexHostError, ServedRepository
from harness.janitor import janitor
from harness.sandbox import LOCAL_CERTIFICATES, SCRATCH, ImageTemplate, Mount, SandboxPool
from harness.tls import COMPANY_CA_ORGANIZATION, SESSION_CA_NAME, SessionCA
from harness.topology import PUBLIC, Role
from harness.wheels import build_package_set

SYSTEM_CERTS = Path("/etc/ssl/certs")
SYSTEM_BUNDLE = "ca-certificates.crt"
# This machine's pip and uv configuration, which no image has: hidden from every execution.
MACHINE_CONFIGURATION = ("/etc/pip.conf", "/etc/xdg/pip", "/etc/xdg/uv", "/etc/uv", "/etc/ca-certificates/update.d")


@dataclass(frozen=True)
class World:
    """The index hosts one scenario sees, and the way out to its PyPI."""

    hosts: dict[str, IndexHost]
    failing: dict[str, FailingHost]
    gateway: Gateway
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
        userinfo = "" if creds is None else (
            f"{creds.username}:{creds.password}" if role.form == "raw-url" else creds.userinfo()
        )
        if host.served:
            index = self.hosts[role.host]
            url = index.url(role.path, userinfo)
        else:
            origin = f"{host.hostname}:{self.failing[host.name].port}" if host.failure else host.hostname
            url = f"https://{userinfo + '@' if userinfo else ''}{origin}{role.path}/simple"
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
        self.company_ca = SessionCA(COMPANY_CA_ORGANIZATION)
        self.hosts: list[IndexHost] = []
        self.gateways: dict[bool, Gateway] = {}
        self.sandboxes: SandboxPool | None = None
        self.template: ImageTemplate | None = None
        self._worlds: dict[bool, World] = {}
        self.failing = {h.name: FailingHost(h.failure) for h in topology.HOSTS if h.failure}

    def start(self) -> Lab:
        # The image template is mostly file copying, which releases the GIL: made beside the servers' start.
        making = ThreadPoolExecutor(1, thread_name_prefix="image template")
        template = making.submit(self._image_template)
        try:
            sets = {s.name: build_package_set(s, self.workdir / "wheels" / s.name) for s in catalogue.PACKAGE_SETS}
            for failing in self.failing.values():
                failing.start()
            shared = {h.name: self._begin(h, sets, squatter=False) for h in topology.HOSTS
                      if h.served and not h.per_world}
            own = {squatter: {h.name: self._begin(h, sets, squatter) for h in topology.HOSTS
                              if h.served and h.per_world} for squatter in (False, True)}
            for index in self.hosts:  # all of them begun first: each waits for its own threads
                index.ready()
            for squatter in (False, True):
                hosts = shared | own[squatter]
                gateway = self.gateways[squatter] = Gateway(hosts["pypi"].port).start()
                self._worlds[squatter] = World(hosts, self.failing, gateway, self.credentials, squatter)
            self.template = template.result()
            self.sandboxes = SandboxPool(self.template).start()
        except BaseException:
            template.cancel()
            making.shutdown(wait=True)
            self.stop()
            raise
        making.shutdown()
        return self

    def world(self, squatter: bool = False) -> World:
        world = self._worlds[squatter]
        for host in world.hosts.values():
            if not host.is_running():
                raise IndexHostError(f"index host {host.name} ({host.shown_as}) stopped answering during the session")
        return world

    def ports(self) -> dict[int, str]:
        """Each stand-in's port → the host name it stands for, which logs show without the port."""
        ports = {host.port: host.hostname for host in self.hosts if host.is_running()}
        ports |= {failing.port: topology.host(name).hostname for name, failing in self.failing.items()}
        return ports

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
        servers = [*self.hosts, *self.gateways.values(), *self.failing.values()]
        stopping = [threading.Thread(target=server.stop) for server in servers]  # each waits on its own threads
        for thread in stopping:
            thread.start()
        for thread in stopping:
            thread.join()
        self.hosts.clear()
        if self._own_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)
            janitor.forget_path(str(self.workdir))

    def __enter__(self) -> Lab:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def _begin(self, host: topology.Host, sets: dict[str, Path], squatter: bool) -> IndexHost:
        public = ("pypi", "squatter") if squatter else ("pypi",)
        expand = lambda names: tuple(sets[n] for name in names for n in (public if name == PUBLIC else (name,)))  # noqa: E731
        served = [
            ServedRepository(
                repo.path, expand(repo.serves), tuple(self.credentials[r] for r in repo.readers), repo.simple,
                priority_roots=expand(repo.priority), answers_401=repo.answers_401_to_wrong_credentials,
                fallback=repo.fallback, forbidden=tuple(self.credentials[r] for r in repo.forbidden),
                blocked=repo.blocked,
            )
            for repo in host.repositories
        ]
        name = host.name if not squatter else f"{host.name}-with-squatter"
        index = IndexHost(name, host.shown_as, served, self._certificate(host, name))
        self.hosts.append(index.begin())
        return index

    def _certificate(self, host: topology.Host, name: str) -> tuple[Path, Path]:
        folder = self.workdir / "tls"
        if host.reached == "gateway":
            return self.ca.issue(folder, name, *PUBLIC_NAMES)
        if host.certificate == "company":
            return self.company_ca.issue(folder, name, host.hostname)
        if host.certificate == "wrong-name":
            return self.ca.issue(folder, name, topology.WRONG_CERTIFICATE_NAME)
        return self.ca.issue(folder, name, host.hostname, expired=host.certificate == "expired")

    def input_file(self, kind: str) -> tuple[str, bytes]:
        """A file a scenario hands the execution as a Valohai input (``topology.INPUT_FILES``): name, content."""
        content = {"company-ca": self.company_ca.pem}[kind]
        return topology.INPUT_FILES[kind][0], content

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
        # The session CA as a local certificate, the way update-ca-certificates installs one: a file in
        # /usr/local/share/ca-certificates, a link to it in /etc/ssl/certs, and the PEM at the bundle's end.
        shutil.copytree(SYSTEM_CERTS, certs, symlinks=True)
        (certs / SYSTEM_BUNDLE).unlink()  # a link in some stores: write our own copy
        (certs / SYSTEM_BUNDLE).write_bytes((SYSTEM_CERTS / SYSTEM_BUNDLE).read_bytes() + self.ca.pem)
        local = self.ca.write_pem(self.workdir / f"{SESSION_CA_NAME}.crt")
        (certs / f"{SESSION_CA_NAME}.pem").symlink_to(f"{LOCAL_CERTIFICATES}/{local.name}")
        hashed = subprocess.run(["openssl", "x509", "-subject_hash", "-noout", "-in", str(local)],
                                capture_output=True, text=True, check=False).stdout.strip()
        if hashed:  # what update-ca-certificates links, for lookups by directory
            (certs / f"{hashed}.0").symlink_to(f"{SESSION_CA_NAME}.pem")
        empty_file, empty_dir = self.workdir / "empty-file", self.workdir / "empty-folder"
        empty_file.touch()
        empty_dir.mkdir()
        hidden = tuple(Mount(p, source=empty_dir if Path(p).is_dir() else empty_file)
                       for p in MACHINE_CONFIGURATION if Path(p).exists())
        return ImageTemplate.make(self.workdir / "image", pinned, certs, local, Path(find_uv_bin()), hidden,
                                  topology.resolved_names())
