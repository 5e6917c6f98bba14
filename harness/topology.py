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
    absent_403: bool = False  # a name it doesn't have gets 403, not 404 (PyTorch's index, as uv's docs describe it)
    slow: tuple[tuple[str, float], ...] = ()  # (file, seconds): its download starts that late (fidelity "slow remote")
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
    ``gateway``: its real name, through the gateway (pypi.org, download.pytorch.org), under ``aliases`` too;
    ``unknown-name``: a name that doesn't resolve, so nothing is reached. A host with a ``failure`` is a
    ``faults.FailingHost``.
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
    aliases: tuple[str, ...] = ()  # more names of a host reached through the gateway (files.pythonhosted.org)

    @property
    def gateway_names(self) -> tuple[str, ...]:
        """The names the gateway tunnels to a host reached through it."""
        return (self.hostname, *self.aliases) if self.reached == "gateway" else ()

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
PYTORCH_VIRTUAL = "/artifactory/api/pypi/pypi-virtual-pytorch"
UNCACHED_VIRTUAL = "/artifactory/api/pypi/pypi-virtual-uncached"
SLOW_SECONDS = 3.0  # how long the PyPI remote of pypi-virtual-uncached takes to start sending torch's wheel
SECONDARY = "/artifactory/api/pypi/ml-local"
TEAM_A = "/artifactory/api/pypi/team-a"
TEAM_B = "/artifactory/api/pypi/team-b"
CODEARTIFACT = "/pypi/ml-packages"
ARTIFACT_REGISTRY = "/acme-ml/ml-packages"
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
        # Two teams' local repositories on one host: every user authenticates on the host, and each team's user
        # has Read on its own repository only (one more has Read on both).
        Repository(TEAM_A, ("private",), ("team-a", "both-teams"), (*_JFROG_ONLINE, "jfrog-403-no-permission"),
                   forbidden=("team-b",),
                   description="team A's local repository: team A's user and the user with Read on both may read it"),
        Repository(TEAM_B, ("secondary",), ("team-b", "both-teams"), (*_JFROG_ONLINE, "jfrog-403-no-permission"),
                   forbidden=("team-a",),
                   description="team B's local repository: team B's user and the user with Read on both may read it"),
        Repository(ALL_VIRTUAL, ("private", "secondary", PUBLIC), ("both-teams",),
                   (*_JFROG_ONLINE, "jfrog-virtual-merges-metadata"),
                   description="a virtual repository over both teams' local repositories and the PyPI remote, read by "
                               "the user with Read on both"),
        Repository(CURATED, ("private", PUBLIC), _ARTIFACTORY_READERS,
                   (*_JFROG_ONLINE, "jfrog-virtual-merges-metadata", "jfrog-curation-403"),
                   blocked=(("scikit-learn", "1.3.2"),),
                   description="a virtual repository whose PyPI remote is curated: a policy blocks scikit-learn 1.3.2"),
        Repository(UNCACHED_VIRTUAL, ("private", PUBLIC), _ARTIFACTORY_READERS,
                   (*_JFROG_ONLINE, "jfrog-virtual-merges-metadata", "jfrog-remote-cache-on-demand"),
                   slow=(("torch-2.1.0-py3-none-any.whl", SLOW_SECONDS),),
                   description="a virtual repository whose PyPI remote hasn't cached torch 2.1.0: its download "
                               f"starts after {SLOW_SECONDS:g} seconds"),
        Repository(PYTORCH_VIRTUAL, ("private", PUBLIC, "pytorch"), _ARTIFACTORY_READERS,
                   (*_JFROG_ONLINE, "jfrog-virtual-merges-metadata", "jfrog-priority-resolution", "jfrog-pytorch-remote"),
                   priority=("private",),
                   description="a virtual repository over the local one (Priority Resolution set), the PyPI remote and "
                               "a remote for PyTorch's CPU index"),
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
        Repository(ARTIFACT_REGISTRY, ("private",), ("artifact-registry", "artifact-registry-key"),
                   ("artifact-registry-url", "artifact-registry-access-token", "artifact-registry-json-key",
                    "artifact-registry-modes", "artifact-registry-status-codes"),
                   description="a standard repository: a service account's key or its access token may read it"),
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
         reached="gateway", aliases=("files.pythonhosted.org",)),
    # PyTorch's index for CPU builds, https://download.pytorch.org/whl/cpu: pip's index URL is the path and "cpu".
    Host("pytorch", "PyTorch's wheel index", "https://download.pytorch.org", (
        Repository("/whl", ("pytorch",), follows=("pytorch-index-urls", "uv-pytorch-index-403"), simple="cpu",
                   absent_403=True, description="PyTorch's index of CPU builds, /whl/cpu"),
    ), reached="gateway"),
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


def named_hosts() -> dict[str, str]:
    """Host name → the one served stand-in that answers to it, for names no other stand-in shares.

    Only these can be reached by name on port 443 through the gateway: a file that names such a host's
    URL without a port (a uv.lock) means that one stand-in.
    """
    hosts: dict[str, list[Host]] = {}
    for h in HOSTS:
        if h.reached == "address":
            hosts.setdefault(h.hostname, []).append(h)
    return {name: same[0].name for name, same in hosts.items() if len(same) == 1 and same[0].served}


LOOPBACK = ("127.0.0.1", "localhost", "::1")


def direct(through_gateway: set[str] | frozenset[str] = frozenset()) -> str:
    """NO_PROXY: what executions (and builds' RUN steps) reach without the gateway: loopback, the stand-ins by name
    but those ``through_gateway`` (reached on port 443), the company's own domain."""
    return ",".join([*LOOPBACK, *(name for name in resolved_names() if name not in through_gateway), NO_PROXY_DOMAIN])


DIRECT = direct()


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
    index: tuple[tuple[str, str], ...] = ()  # named-url: (name, repository path) of each index, space-separated


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
        Role("virtual-both-teams", "a virtual repository over both teams' local repositories and PyPI, with the "
             "token of a user who may read both", "artifactory", ALL_VIRTUAL, "both-teams"),
        Role("team-a", "team A's repository's URL with team A's token", "artifactory", TEAM_A, "team-a"),
        Role("team-b", "team B's repository's URL, on the same host as team A's, with team B's token",
             "artifactory", TEAM_B, "team-b"),
        Role("team-a-both-teams-token", "team A's repository's URL with the token of a user who may read both "
             "teams' repositories", "artifactory", TEAM_A, "both-teams"),
        Role("team-b-both-teams-token", "team B's repository's URL with the token of a user who may read both "
             "teams' repositories", "artifactory", TEAM_B, "both-teams"),
        Role("team-indexes-as-uv-index", "team-a=<team A's URL> team-b=<team B's URL>, without credentials, as "
             "UV_INDEX takes two named indexes", "artifactory", TEAM_A, form="named-url",
             index=(("team-a", TEAM_A), ("team-b", TEAM_B))),
        Role("team-a-username", "team A's user name alone", credentials="team-a", form="username"),
        Role("team-a-password", "team A's token alone", credentials="team-a", form="password"),
        Role("team-b-username", "team B's user name alone", credentials="team-b", form="username"),
        Role("team-b-password", "team B's token alone", credentials="team-b", form="password"),
        Role("private-no-read", "the private repository's URL with a valid token whose user lacks Read permission on it",
             "artifactory", LOCAL, "no-read"),
        Role("virtual-with-pytorch", "a virtual repository's URL over the local repository (Priority Resolution set), "
             "the PyPI remote and a remote for PyTorch's CPU index", "artifactory", PYTORCH_VIRTUAL, "private"),
        Role("virtual-uncached", "a virtual repository's URL whose PyPI remote hasn't cached torch 2.1.0, a large "
             f"wheel: its download starts after {SLOW_SECONDS:g} seconds", "artifactory", UNCACHED_VIRTUAL, "private"),
        Role("virtual-curated", "a virtual repository's URL whose PyPI remote is curated: a policy blocks "
             "scikit-learn 1.3.2", "artifactory", CURATED, "private"),
        Role("pypiserver-with-fallback", "a pypiserver's URL, with its default fallback to pypi.org, and its "
             "htpasswd user", "pypiserver-fallback", "", "pypiserver"),
        Role("pypiserver-with-fallback-without-the-name", "the URL of a pypiserver with its default fallback that "
             "doesn't hold my-private-package", "pypiserver-fallback-other", "", "pypiserver"),
        Role("azure-artifacts-organization-feed", "the organization-scoped Azure Artifacts feed's URL, with a token",
             "azure-artifacts", AZURE_ORGANIZATION_FEED, "azure-artifacts"),
        Role("virtual-as-uv-index", "acme=<the virtual repository's URL without credentials>, as UV_INDEX takes it",
             "artifactory", VIRTUAL, None, "named-url", index=(("acme", VIRTUAL),)),
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
        Role("artifact-registry-keyring-user", "the Artifact Registry repository's URL with the user name "
             "oauth2accesstoken alone, for a keyring command", "artifact-registry", ARTIFACT_REGISTRY,
             "artifact-registry", "user-url"),
        Role("gcp-service-account-key", "a Google service account's JSON key file, on one line, whose access tokens "
             "Artifact Registry accepts", credentials="gcp-key", form="password"),
        Role("codeartifact-no-credentials", "the AWS CodeArtifact repository's URL without credentials",
             "codeartifact", CODEARTIFACT),
        Role("artifact-registry-json-key", "the Artifact Registry repository's URL with _json_key_base64 and the "
             "service account's key in Base64, as gcloud artifacts print-settings python prints it",
             "artifact-registry", ARTIFACT_REGISTRY, "artifact-registry-key", "raw-url"),
        Role("artifact-registry-json-key-encoded", "the same URL with the key percent-encoded ('=' as %3D)",
             "artifact-registry", ARTIFACT_REGISTRY, "artifact-registry-key"),
        Role("artifact-registry-no-credentials", "the Artifact Registry repository's URL without credentials",
             "artifact-registry", ARTIFACT_REGISTRY),
        Role("service-account-key", "a service account's JSON key file in Base64, one line",
             credentials="artifact-registry-key", form="password"),
        Role("aws-access-key-id", "an AWS access key ID", credentials="aws", form="username"),
        Role("aws-secret-access-key", "its AWS secret access key", credentials="aws", form="password"),
        Role("aws-deleted-access-key-id", "an access key ID AWS doesn't know: deleted, or mistyped",
             credentials="aws-deleted", form="username"),
        Role("aws-deleted-secret-access-key", "that key's secret access key", credentials="aws-deleted",
             form="password"),
        Role("aws-without-bearer-token-access-key-id", "the access key ID of an IAM user allowed "
             "codeartifact:GetAuthorizationToken but not sts:GetServiceBearerToken",
             credentials="aws-without-bearer-token", form="username"),
        Role("aws-without-bearer-token-secret-access-key", "that key's secret access key",
             credentials="aws-without-bearer-token", form="password"),
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
