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

from harness.credentials import SPECIAL_CHARACTERS
from harness.faults import Failure

PUBLIC = "<public>"  # the public package sets of the scenario's world (see module docstring)


@dataclass(frozen=True)
class Repository:
    """One repository on a host: a URL path, what it serves, whose credentials it accepts, and how it behaves.

    Every behaviour beyond serving files is one a vendor documents: ``follows``
    names entries of ``vendors.REGISTRY``, and a test checks they exist.
    """

    path: str  # e.g. /artifactory/api/pypi/pypi-local; pip's index URL adds /simple
    serves: tuple[str, ...]  # catalogue package sets, or PUBLIC
    readers: tuple[str, ...] = ()  # credential labels (credentials.session_credentials); empty: anonymous
    follows: tuple[str, ...] = ()  # vendors.REGISTRY ids
    priority: tuple[str, ...] = ()  # sets whose names shadow the others' (Priority Resolution, forwarding)
    fallback: bool = False  # a name it doesn't have is redirected to https://pypi.org/simple/<name>/
    forbidden: tuple[str, ...] = ()  # credential labels of users who authenticate but lack Read: 403
    blocked: tuple[tuple[str, str], ...] = ()  # (project, version) a Curation policy blocks: 403 on download
    # Each behaviour field above follows registry entries: tests/test_indexes.py ties them to ``follows``.
    simple: str = "simple"  # the index's last path segment; devpi calls it +simple
    description: str = ""

    @property
    def per_world(self) -> bool:
        return PUBLIC in self.serves

    @property
    def answers_401_to_wrong_credentials(self) -> bool:
        return "jfrog-401-wrong-credentials" in self.follows


@dataclass(frozen=True)
class Host:
    """A real host the guide names, and how an execution reaches its stand-in.

    ``address``: its stand-in's https://127.0.0.1:PORT, which logs show as ``shown_as``;
    ``gateway``: its real name, through the gateway (pypi.org); ``unknown-name``: a name that
    doesn't resolve, so nothing is reached. A host with a ``failure`` is a ``faults.FailingHost``.
    """

    name: str
    title: str
    shown_as: str  # the origin the guide's logs show
    repositories: tuple[Repository, ...] = ()
    reached: Literal["address", "gateway", "unknown-name"] = "address"
    failure: Failure | None = None
    # Who signed its certificate: the session CA (trusted, like a public CA), the company's own CA (trusted by
    # no image), the session CA for another host name, or the session CA for a period that has ended.
    certificate: Literal["session", "company", "wrong-name", "expired"] = "session"

    @property
    def per_world(self) -> bool:
        return any(r.per_world for r in self.repositories)

    @property
    def served(self) -> bool:
        """Whether an index stand-in serves it."""
        return self.failure is None and self.reached != "unknown-name"

    @property
    def hostname(self) -> str:
        return self.shown_as.split("://", 1)[1]

    def repository(self, path: str) -> Repository:
        return next(r for r in self.repositories if r.path == path)


LOCAL = "/artifactory/api/pypi/pypi-local"
VIRTUAL = "/artifactory/api/pypi/pypi-virtual"
PRIORITY_VIRTUAL = "/artifactory/api/pypi/pypi-virtual-priority"
ALL_VIRTUAL = "/artifactory/api/pypi/ml-virtual"
CURATED = "/artifactory/api/pypi/pypi-curated"
SECONDARY = "/artifactory/api/pypi/ml-local"
CODEARTIFACT = "/pypi/ml-packages"
AZURE_PROJECT_FEED = "/acme/ml/_packaging/ml-packages/pypi"
AZURE_ORGANIZATION_FEED = "/acme/_packaging/ml-packages/pypi"

_ARTIFACTORY_READERS = ("private", "special", *(f"special-{name}" for name in SPECIAL_CHARACTERS))
SELF_HOSTED = "https://artifactory.acme.internal"
NO_PROXY_DOMAIN = ".acme.internal"  # the company's own domain: executions reach it directly, not through the gateway
_JFROG = ("jfrog-pypi-index-url", "jfrog-token-as-password", "jfrog-401", "jfrog-pypi-status-codes")
# JFrog's cloud (<company>.jfrog.io): what JFrog documents for Artifactory Online as well. The rewritten 401 carries the
# challenge RFC 9110 requires of every 401.
_JFROG_ONLINE = (*_JFROG, "jfrog-401-wrong-credentials", "rfc9110-401-challenge")

HOSTS = (
    Host("artifactory", "JFrog Artifactory", "https://acme.jfrog.io", (
        Repository(LOCAL, ("private",), _ARTIFACTORY_READERS, (*_JFROG_ONLINE, "jfrog-403-no-permission"),
                   forbidden=("no-read",),
                   description="a local repository: your packages only; one more user has no Read permission on it"),
        Repository(VIRTUAL, ("private", PUBLIC), _ARTIFACTORY_READERS,
                   (*_JFROG_ONLINE, "jfrog-virtual-merges-metadata"),
                   description="a virtual repository: the local one and a remote that proxies PyPI"),
        Repository(PRIORITY_VIRTUAL, ("private", PUBLIC), _ARTIFACTORY_READERS,
                   (*_JFROG_ONLINE, "jfrog-virtual-merges-metadata", "jfrog-priority-resolution"),
                   priority=("private",),
                   description="the same virtual repository, with Priority Resolution set on the local one"),
        Repository(ALL_VIRTUAL, ("private", "secondary", PUBLIC), _ARTIFACTORY_READERS,
                   (*_JFROG_ONLINE, "jfrog-virtual-merges-metadata"),
                   description="a virtual repository over both teams' local repositories and the PyPI remote"),
        Repository(CURATED, ("private", PUBLIC), _ARTIFACTORY_READERS,
                   (*_JFROG_ONLINE, "jfrog-virtual-merges-metadata", "jfrog-curation-403"),
                   blocked=(("scikit-learn", "1.3.2"),),
                   description="a virtual repository whose PyPI remote is curated: a policy blocks scikit-learn 1.3.2"),
    )),
    Host("secondary", "JFrog Artifactory (another team's)", "https://acme-ml.jfrog.io", (
        Repository(SECONDARY, ("secondary",), ("secondary",), _JFROG_ONLINE,
                   description="another team's local repository"),
    )),
    Host("codeartifact", "AWS CodeArtifact", "https://acme-111122223333.d.codeartifact.eu-west-1.amazonaws.com", (
        Repository(CODEARTIFACT, ("private",), ("codeartifact",), ("codeartifact-pip", "codeartifact-external-connection"),
                   description="a repository without an external connection to PyPI"),
    )),
    Host("artifact-registry", "Google Artifact Registry", "https://europe-west1-python.pkg.dev", (
        Repository("/acme-ml/ml-packages", ("private",), ("artifact-registry", "artifact-registry-keyring"),
                   ("artifact-registry-url", "artifact-registry-access-token", "artifact-registry-modes",
                    "artifact-registry-status-codes"),
                   description="a standard repository"),
    )),
    Host("azure-artifacts", "Azure Artifacts", "https://pkgs.dev.azure.com", (
        Repository(AZURE_PROJECT_FEED, ("private",), ("azure-artifacts",), ("azure-feed-urls", "azure-upstream-sources"),
                   description="a project-scoped feed without upstream sources"),
        Repository(AZURE_ORGANIZATION_FEED, ("private",), ("azure-artifacts",),
                   ("azure-feed-urls", "azure-upstream-sources"),
                   description="an organization-scoped feed without upstream sources"),
    )),
    Host("gitlab", "GitLab package registry", "https://gitlab.example.com", (
        Repository("/api/v4/projects/42/packages/pypi", ("private", PUBLIC), ("gitlab",),
                   ("gitlab-pypi-urls", "gitlab-pypi-forwarding"), priority=("private",),
                   description="a project's registry, forwarding unknown names to PyPI (GitLab's default)"),
    )),
    Host("nexus", "Sonatype Nexus", "https://nexus.acme.internal", (
        Repository("/repository/pypi-group", ("private", PUBLIC), ("nexus",), ("nexus-pypi-group",),
                   description="a group of a hosted repository and a PyPI proxy"),
    )),
    Host("pypiserver", "pypiserver", "https://pypi.acme.internal", (
        Repository("", ("private",), ("pypiserver",), ("pypiserver-simple",)),
    )),
    # pypiserver's default: a name it doesn't have is redirected to pypi.org. Two servers under one name: one holds
    # the private packages, the other only another team's, so my-private-package is a name it doesn't have.
    Host("pypiserver-fallback", "pypiserver with its default fallback to pypi.org", "https://pypi.acme.internal", (
        Repository("", ("private",), ("pypiserver",), ("pypiserver-simple", "pypiserver-fallback"), fallback=True,
                   description="the private packages; other names are redirected to pypi.org"),
    )),
    Host("pypiserver-fallback-other", "a pypiserver with its default fallback, without my-private-package",
         "https://pypi.acme.internal", (
        Repository("", ("secondary",), ("pypiserver",), ("pypiserver-simple", "pypiserver-fallback"), fallback=True,
                   description="another team's package only; other names are redirected to pypi.org"),
    )),
    Host("devpi", "devpi", "https://devpi.acme.internal", (
        Repository("/acme/prod", ("private",), ("devpi",), ("devpi-simple",), simple="+simple"),
    )),
    Host("pypi", "PyPI", "https://pypi.org", (Repository("", (PUBLIC,), description="the public index"),),
         reached="gateway"),
    # A self-hosted Artifactory that fails in the ways networks do; logs show them all under one name.
    Host("unreachable", "an Artifactory where nothing listens", SELF_HOSTED, failure="refused"),
    Host("firewalled", "an Artifactory behind a firewall that drops packets", SELF_HOSTED, failure="dropped"),
    Host("unresponsive", "an Artifactory that accepts connections and never answers", SELF_HOSTED, failure="silent"),
    Host("misspelled", "a mistyped host name", "https://artifactroy.acme.internal", reached="unknown-name"),
    Host("company-artifactory", "a self-hosted Artifactory whose certificate the company's own CA signed", SELF_HOSTED, (
        Repository(VIRTUAL, ("private", PUBLIC), _ARTIFACTORY_READERS, (*_JFROG, "jfrog-virtual-merges-metadata")),
    ), certificate="company"),
    Host("wrong-name-artifactory", "a self-hosted Artifactory whose certificate names another host", SELF_HOSTED, (
        Repository(LOCAL, ("private",), _ARTIFACTORY_READERS, _JFROG),
    ), certificate="wrong-name"),
    Host("expired-artifactory", "a self-hosted Artifactory whose certificate has expired", SELF_HOSTED, (
        Repository(LOCAL, ("private",), _ARTIFACTORY_READERS, _JFROG),
    ), certificate="expired"),
)
WRONG_CERTIFICATE_NAME = "artifactory.acme.com"
# Files a scenario can hand an execution as a Valohai input: kind -> (file name, what it is).
INPUT_FILES = {"company-ca": ("company-ca.crt", "the certificate of the company's own CA, PEM")}
VENDOR_HOSTS = ("codeartifact", "artifact-registry", "azure-artifacts", "gitlab", "nexus", "pypiserver", "devpi")


def resolved_names() -> list[str]:
    """The names an execution's /etc/hosts gives 127.0.0.1: every stand-in's, reached directly by its name."""
    return sorted({h.hostname for h in HOSTS if h.reached == "address"})


def host(name: str) -> Host:
    return next(h for h in HOSTS if h.name == name)


Form = Literal["url", "raw-url", "named-url", "user-url", "username", "password"]


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
        Role("virtual", "the virtual repository (private + PyPI remote) URL with valid credentials",
             "artifactory", VIRTUAL, "private"),
        Role("virtual-wrong-password", "the virtual repository's URL with a revoked token",
             "artifactory", VIRTUAL, "private-revoked"),
        Role("virtual-no-credentials", "the virtual repository's URL without credentials", "artifactory", VIRTUAL),
        Role("secondary", "the secondary private repository's URL, with its own credentials",
             "secondary", SECONDARY, "secondary"),
        Role("secondary-no-credentials", "the secondary repository's URL without credentials", "secondary", SECONDARY),
        Role("secondary-wrong-password", "the secondary repository's URL with the primary repository's token",
             "secondary", SECONDARY, "private"),
        Role("virtual-with-priority", "the virtual repository's URL, Priority Resolution set on its local repository",
             "artifactory", PRIORITY_VIRTUAL, "private"),
        Role("virtual-both-teams", "a virtual repository over both teams' local repositories and PyPI",
             "artifactory", ALL_VIRTUAL, "private"),
        Role("private-no-read", "the private repository's URL with a valid token whose user lacks Read permission on it",
             "artifactory", LOCAL, "no-read"),
        Role("virtual-curated", "a virtual repository's URL whose PyPI remote is curated: a policy blocks "
             "scikit-learn 1.3.2", "artifactory", CURATED, "private"),
        Role("pypiserver-with-fallback", "a pypiserver's URL, with its default fallback to pypi.org, and its "
             "htpasswd user", "pypiserver-fallback", "", "pypiserver"),
        Role("pypiserver-with-fallback-without-the-name", "the URL of a pypiserver with its default fallback that "
             "doesn't hold my-private-package", "pypiserver-fallback-other", "", "pypiserver"),
        Role("azure-artifacts-organization-feed", "the organization-scoped Azure Artifacts feed's URL, with a token",
             "azure-artifacts", AZURE_ORGANIZATION_FEED, "azure-artifacts"),
        Role("virtual-as-uv-index", "acme=<the virtual repository's URL without credentials>, as UV_INDEX takes it",
             "artifactory", VIRTUAL, None, "named-url"),
        Role("private-username", "the private repository's user name alone", credentials="private", form="username"),
        Role("private-password", "the private repository's token alone", credentials="private", form="password"),
        Role("private-revoked-password", "a revoked token alone", credentials="private-revoked", form="password"),
        *(Role(f"private-raw-{name}",
               f"the private repository's URL for user jane.doe@acme.com, whose password has {' and '.join(chars)}, "
               "none of it encoded", "artifactory", LOCAL, f"special-{name}", "raw-url")
          for name, chars in SPECIAL_CHARACTERS.items()),
        Role("private-special-encoded", "the same URL with user name and password percent-encoded",
             "artifactory", LOCAL, "special"),
        Role("special-username", "the user name jane.doe@acme.com alone", credentials="special", form="username"),
        *(Role(f"special-{name}-password", f"jane.doe@acme.com's password alone, with {' and '.join(chars)} in it",
               credentials=f"special-{name}", form="password")
          for name, chars in SPECIAL_CHARACTERS.items()),
        *_vendor_roles(),
        Role("artifact-registry-no-credentials", "the Google Artifact Registry repository's URL without credentials",
             "artifact-registry", "/acme-ml/ml-packages"),
        Role("artifact-registry-keyring-user", "the Artifact Registry repository's URL with the user name "
             "oauth2accesstoken alone, for a keyring command", "artifact-registry", "/acme-ml/ml-packages",
             "artifact-registry-keyring", "user-url"),
        Role("gcp-service-account-key", "a Google service account's JSON key file, on one line, whose access tokens "
             "Artifact Registry accepts", credentials="gcp-key", form="password"),
        Role("codeartifact-no-credentials", "the AWS CodeArtifact repository's URL without credentials",
             "codeartifact", CODEARTIFACT),
        Role("aws-access-key-id", "an AWS access key ID", credentials="aws", form="username"),
        Role("aws-secret-access-key", "its AWS secret access key", credentials="aws", form="password"),
        Role("unreachable", "a private-repository URL on a host where nothing listens", "unreachable", LOCAL, "private"),
        Role("firewalled", "a private-repository URL on a host behind a firewall that drops packets",
             "firewalled", LOCAL, "private"),
        Role("unresponsive", "a private-repository URL on a host that accepts connections and never answers",
             "unresponsive", LOCAL, "private"),
        Role("misspelled-host", "a private-repository URL whose host name has a typo", "misspelled", LOCAL, "private"),
        Role("company-ca-virtual", "a virtual repository's URL on a host whose certificate the company's CA signed",
             "company-artifactory", VIRTUAL, "private"),
        Role("wrong-name-certificate", "a repository's URL on a host whose certificate names another host",
             "wrong-name-artifactory", LOCAL, "private"),
        Role("expired-certificate", "a repository's URL on a host whose certificate has expired",
             "expired-artifactory", LOCAL, "private"),
    )
}
