"""The stand-in hosts, their repositories and the roles scenarios name, declared once as data.

Nothing here starts a server: checking a scenario file or rendering a page
imports this module alone. ``lab`` starts what is declared here, and a role's
value is computed from a started world by ``lab.World.value``.

A repository *serves* package sets from ``catalogue``. ``PUBLIC`` stands for
what the public index serves in the scenario's world: PyPI's packages, plus
the squatter's in a world where an attacker published private names.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

PUBLIC = "<public>"  # the public package sets of the scenario's world (see module docstring)


@dataclass(frozen=True)
class Repository:
    """One repository on a host: a URL path, what it serves, and whose credentials it accepts."""

    path: str  # e.g. /artifactory/api/pypi/pypi-local; pip's index URL adds /simple
    serves: tuple[str, ...]  # catalogue package sets, or PUBLIC
    readers: tuple[str, ...] = ()  # credential labels (credentials.session_credentials); empty: anonymous
    simple: str = "simple"  # the index's last path segment; devpi calls it +simple
    description: str = ""
    public_excludes: tuple[str, ...] = ()  # name patterns its PyPI remote does not serve

    @property
    def per_world(self) -> bool:
        return PUBLIC in self.serves


@dataclass(frozen=True)
class Host:
    """A real host the guide names, served on 127.0.0.1 by a stand-in (or, if ``refuses``, by nothing)."""

    name: str
    title: str
    shown_as: str  # the origin the guide's logs show
    repositories: tuple[Repository, ...] = ()
    real_name: bool = False  # reached under its real name through the gateway (pypi.org), not by address
    refuses: bool = False  # nothing listens: connections are refused

    @property
    def per_world(self) -> bool:
        return any(r.per_world for r in self.repositories)

    def repository(self, path: str) -> Repository:
        return next(r for r in self.repositories if r.path == path)


LOCAL = "/artifactory/api/pypi/pypi-local"
VIRTUAL = "/artifactory/api/pypi/pypi-virtual"
# A virtual repository whose PyPI remote has Artifactory's "Excludes Pattern" set to the private names
EXCLUDING = "/artifactory/api/pypi/pypi-virtual-excludes"
PRIVATE_NAME_PATTERNS = ("my-*", "package-from-*")
SECONDARY = "/artifactory/api/pypi/ml-local"
CODEARTIFACT = "/pypi/ml-packages"

_ARTIFACTORY_READERS = ("private", "special")

HOSTS = (
    Host("artifactory", "JFrog Artifactory", "https://acme.jfrog.io", (
        Repository(LOCAL, ("private",), _ARTIFACTORY_READERS, description="a local repository: your packages only"),
        Repository(VIRTUAL, ("private", PUBLIC), _ARTIFACTORY_READERS,
                   description="a virtual repository: the local one and a remote that proxies PyPI"),
        Repository(EXCLUDING, ("private", PUBLIC), _ARTIFACTORY_READERS,
                   description="a virtual repository whose PyPI remote excludes " + ", ".join(PRIVATE_NAME_PATTERNS),
                   public_excludes=PRIVATE_NAME_PATTERNS),
    )),
    Host("secondary", "JFrog Artifactory (another team's)", "https://acme-ml.jfrog.io", (
        Repository(SECONDARY, ("secondary",), ("secondary",), description="another team's local repository"),
    )),
    Host("codeartifact", "AWS CodeArtifact", "https://acme-111122223333.d.codeartifact.eu-west-1.amazonaws.com", (
        Repository(CODEARTIFACT, ("private",), ("codeartifact",)),
    )),
    Host("artifact-registry", "Google Artifact Registry", "https://europe-west1-python.pkg.dev", (
        Repository("/acme-ml/ml-packages", ("private",), ("artifact-registry",)),
    )),
    Host("azure-artifacts", "Azure Artifacts", "https://pkgs.dev.azure.com", (
        Repository("/acme/ml/_packaging/ml-packages/pypi", ("private",), ("azure-artifacts",)),
    )),
    Host("gitlab", "GitLab package registry", "https://gitlab.example.com", (
        Repository("/api/v4/projects/42/packages/pypi", ("private",), ("gitlab",)),
    )),
    Host("nexus", "Sonatype Nexus", "https://nexus.acme.internal", (
        Repository("/repository/pypi-group", ("private",), ("nexus",)),
    )),
    Host("pypiserver", "pypiserver", "https://pypi.acme.internal", (
        Repository("", ("private",), ("pypiserver",)),
    )),
    Host("devpi", "devpi", "https://devpi.acme.internal", (
        Repository("/acme/prod", ("private",), ("devpi",), simple="+simple"),
    )),
    Host("pypi", "PyPI", "https://pypi.org", (Repository("", (PUBLIC,), description="the public index"),), real_name=True),
    Host("unreachable", "an unreachable Artifactory", "https://artifactory.acme.internal", refuses=True),
)
VENDOR_HOSTS = ("codeartifact", "artifact-registry", "azure-artifacts", "gitlab", "nexus", "pypiserver", "devpi")


def host(name: str) -> Host:
    return next(h for h in HOSTS if h.name == name)


Form = Literal["url", "raw-url", "named-url", "username", "password"]


@dataclass(frozen=True)
class Role:
    """What a scenario variable receives: a URL of a repository, or one part of a credential."""

    name: str
    description: str
    host: str | None = None
    path: str = ""
    credentials: str | None = None  # a credential label; None: the URL has no user and token
    form: Form = "url"


def _vendor_roles() -> tuple[Role, ...]:
    return tuple(
        Role(name, f"the {host(name).title} repository's URL, with its kind of user name and token",
             name, host(name).repositories[0].path, name)
        for name in VENDOR_HOSTS
    )


ROLES = {
    role.name: role
    for role in (
        Role("private", "the private (local) repository's URL with valid credentials", "artifactory", LOCAL, "private"),
        Role("private-wrong-password", "the private repository's URL with a revoked token",
             "artifactory", LOCAL, "private-revoked"),
        Role("private-no-credentials", "the private repository's URL without credentials", "artifactory", LOCAL),
        Role("virtual", "the virtual repository (private + PyPI remote) URL with valid credentials",
             "artifactory", VIRTUAL, "private"),
        Role("virtual-wrong-password", "the virtual repository's URL with a revoked token",
             "artifactory", VIRTUAL, "private-revoked"),
        Role("virtual-no-credentials", "the virtual repository's URL without credentials", "artifactory", VIRTUAL),
        Role("secondary", "the secondary private repository's URL, with its own credentials",
             "secondary", SECONDARY, "secondary"),
        Role("secondary-wrong-password", "the secondary repository's URL with the primary repository's token",
             "secondary", SECONDARY, "private"),
        Role("virtual-with-excludes",
             f"a virtual repository whose PyPI remote excludes the private names ({', '.join(PRIVATE_NAME_PATTERNS)})",
             "artifactory", EXCLUDING, "private"),
        Role("virtual-as-uv-index", "acme=<the virtual repository's URL without credentials>, as UV_INDEX takes it",
             "artifactory", VIRTUAL, None, "named-url"),
        Role("private-username", "the private repository's user name alone", credentials="private", form="username"),
        Role("private-password", "the private repository's token alone", credentials="private", form="password"),
        Role("private-revoked-password", "a revoked token alone", credentials="private-revoked", form="password"),
        Role("private-special-raw",
             "the private repository's URL for user jane.doe@acme.com, whose password has @ : / #, not encoded",
             "artifactory", LOCAL, "special", "raw-url"),
        Role("private-special-encoded", "the same URL with user name and password percent-encoded",
             "artifactory", LOCAL, "special"),
        Role("pypi", "the public index (stands in for pypi.org)", "pypi"),
        *_vendor_roles(),
        Role("codeartifact-no-credentials", "the AWS CodeArtifact repository's URL without credentials",
             "codeartifact", CODEARTIFACT),
        Role("aws-access-key-id", "an AWS access key ID", credentials="aws", form="username"),
        Role("aws-secret-access-key", "its AWS secret access key", credentials="aws", form="password"),
        Role("unreachable", "a private-repository URL on a host where nothing listens", "unreachable", LOCAL, "private"),
    )
}
