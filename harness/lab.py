"""One session's stub wheels, index hosts, gateways and toolsets, started and stopped together.

The lab starts what ``topology`` declares. A scenario sees one of two
*worlds*: the normal one, or one where an attacker has published higher
versions of private names on the public index (the ``squatter``), which the
Artifactory virtual repository's PyPI remote then serves too. Executions run
with a *toolset*, a pip and a uv laid out as the image's files: the pinned
pair, made at start, or another pip or uv of the matrix, made the first time a
plan asks for it (``toolset``).
"""

from __future__ import annotations

import shutil
import tempfile
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from uv import find_uv_bin

from harness import catalogue, toolsets, topology
from harness.credentials import Credentials, Secrets, session_credentials
from harness.errors import IndexHostError, ToolsetError
from harness.faults import FailingHost
from harness.fidelity import PROXY_VARIABLES
from harness.gateway import Gateway
from harness.indexes import IndexHost, ServedRepository
from harness.janitor import janitor
from harness.sandbox import SCRATCH, SandboxPool
from harness.tls import COMPANY_CA_ORGANIZATION, SessionCA
from harness.toolsets import PINNED_PIP, PINNED_UV, Toolset
from harness.topology import PUBLIC, Role
from harness.wheels import build_package_set


@dataclass(frozen=True)
class World:
    """The index hosts one scenario sees, and the way out to its PyPI."""

    hosts: dict[str, IndexHost]
    failing: dict[str, FailingHost]
    gateway: Gateway
    credentials: dict[str, Credentials]
    squatter: bool

    def proxies(self, direct: str = topology.DIRECT) -> dict[str, str]:
        """The proxy variables executions (and builds' RUN steps) get: the gateway, and what goes around it."""
        variables = {name: self.gateway.url for name in PROXY_VARIABLES if "no" not in name.lower()}
        return variables | {"NO_PROXY": direct, "no_proxy": direct}

    def value(self, role: Role) -> str:
        """What a variable given ``role`` holds in this world."""
        creds = self.credentials[role.credentials] if role.credentials else None
        if role.form == "username":
            return creds.username
        if role.form == "password":
            return creds.password
        host = topology.host(role.host)
        userinfo = "" if creds is None else (
            f"{creds.username}:{creds.password}" if role.form == "raw-url"
            else creds.userinfo().split(":", 1)[0] if role.form == "user-url" else creds.userinfo()
        )
        if role.form == "named-url":
            return " ".join(f"{name}={self._url(host, path, userinfo)}" for name, path in role.index)
        return self._url(host, role.path, userinfo)

    def _url(self, host: topology.Host, path: str, userinfo: str) -> str:
        if host.served:
            return self.hosts[host.name].url(path, userinfo)
        origin = f"{host.hostname}:{self.failing[host.name].port}" if host.failure else host.hostname
        return f"https://{userinfo + '@' if userinfo else ''}{origin}{path}/simple"


class Lab:
    """Build the catalogue's wheels and serve them; ``with Lab() as lab:`` stops everything."""

    def __init__(self, workdir: Path | None = None):
        self._own_workdir = workdir is None
        self.workdir = Path(workdir or tempfile.mkdtemp(prefix="harness-lab-", dir=SCRATCH))
        if self._own_workdir:
            janitor.watch_path(str(self.workdir))
        self.credentials = session_credentials()
        self.secrets = Secrets.of(self.credentials)
        self.ca = SessionCA()
        self.company_ca = SessionCA(COMPANY_CA_ORGANIZATION)
        self.hosts: list[IndexHost] = []
        self.gateways: dict[bool, Gateway] = {}
        self._toolsets: dict[tuple[str, str], Toolset] = {}
        self._unrunnable: dict[tuple[str, str], ToolsetError] = {}
        self._making = threading.Lock()
        self._worlds: dict[bool, World] = {}
        self._attached: dict[str, object] = {}
        self.failing = {h.name: FailingHost(h.failure) for h in topology.HOSTS if h.failure}

    def start(self) -> Lab:
        # The image template is mostly file copying, which releases the GIL: made beside the servers' start.
        making = ThreadPoolExecutor(1, thread_name_prefix="image template")
        template = making.submit(toolsets.pinned_template, self.workdir, self.ca, Path(find_uv_bin()))
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
                gateway = self.gateways[squatter] = Gateway(_tunnels(hosts)).start()
                self._worlds[squatter] = World(hosts, self.failing, gateway, self.credentials, squatter)
            pinned = template.result()
            self._toolsets[PINNED_PIP, PINNED_UV] = Toolset(PINNED_PIP, PINNED_UV, pinned, SandboxPool(pinned).start())
        except BaseException:
            template.cancel()
            making.shutdown(wait=True)
            self.stop()
            raise
        making.shutdown()
        return self

    def toolset(self, pip: str | None = None, uv: str | None = None) -> Toolset:
        """The pinned pip and uv, or another of the matrix in their place: made once, on first use."""
        key = (pip or PINNED_PIP, uv or PINNED_UV)
        with self._making:
            if key in self._unrunnable:
                raise self._unrunnable[key]
            if key not in self._toolsets:
                pinned = self._toolsets[PINNED_PIP, PINNED_UV]
                folder = self.workdir / "toolsets" / "-".join(key)
                try:
                    template = toolsets.other_template(pinned.template, folder, *key, self.ca.pem)
                except ToolsetError as exc:
                    self._unrunnable[key] = exc
                    raise
                self._toolsets[key] = Toolset(*key, template, SandboxPool(template, ready=1).start())
            return self._toolsets[key]

    def attached(self, key: str, make):
        """What ``make()`` returns, made once per lab on first use and stopped with it (a module's own servers or
        storage, such as ``builds``' images), so that the lab needn't import it."""
        with self._making:
            if key not in self._attached:
                self._attached[key] = make()
            return self._attached[key]

    @property
    def template(self):
        """The pinned toolset's image files."""
        return self.toolset().template

    @property
    def sandboxes(self) -> SandboxPool:
        """The pinned toolset's sandboxes."""
        return self.toolset().sandboxes

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
        for attached in self._attached.values():
            attached.stop()
        self._attached.clear()
        for toolset in self._toolsets.values():
            toolset.stop()
        self._toolsets.clear()
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
        expand = lambda names: tuple(sets[n] for name in names for n in (public if name == PUBLIC else (name,)))
        served = [
            ServedRepository(
                repo.path, expand(repo.serves), tuple(self.credentials[r] for r in repo.readers), repo.simple,
                priority_roots=expand(repo.priority), answers_401=repo.answers_401_to_wrong_credentials,
                fallback=repo.fallback, forbidden=tuple(self.credentials[r] for r in repo.forbidden),
                blocked=repo.blocked, absent_403=repo.absent_403, slow=repo.slow,
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
            return self.ca.issue(folder, name, *host.gateway_names)
        if host.certificate == "company":
            return self.company_ca.issue(folder, name, host.hostname)
        if host.certificate == "wrong-name":
            return self.ca.issue(folder, name, topology.WRONG_CERTIFICATE_NAME)
        return self.ca.issue(folder, name, host.hostname, expired=host.certificate == "expired")

    def input_file(self, kind: str) -> tuple[str, bytes]:
        """A file a scenario hands the execution as a Valohai input (``topology.INPUT_FILES``): name, content."""
        content = {"company-ca": self.company_ca.pem}[kind]
        return topology.INPUT_FILES[kind][0], content


def _tunnels(hosts: dict[str, IndexHost]) -> dict[str, int]:
    """``name:port`` → local port, for the gateway: the public hosts by their names on 443, and each private
    stand-in whose name no other shares on 443 and on its own port (``topology.named_hosts``)."""
    tunnels = {f"{name}:443": hosts[h.name].port for h in topology.HOSTS for name in h.gateway_names}
    for hostname, name in topology.named_hosts().items():
        port = hosts[name].port
        tunnels |= {f"{hostname}:443": port, f"{hostname}:{port}": port}
    return tunnels
