"""What a scenario's index roles stand for.

Scenarios never name URLs: they say ``PRIVATE_PYPI_INDEX_URL: private`` and the
harness builds the value from the session's index hosts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from harness.vendors import VENDORS
from harness.lab import EXCLUDING_REPO, LOCAL_REPO, PUBLIC_REPO, SECONDARY_REPO, VIRTUAL_REPO, World


@dataclass(frozen=True)
class Role:
    name: str
    description: str
    value: Callable[[World], str]


def _raw_special(world: World) -> str:
    creds = world.credentials["special"]
    return f"http://{creds.username}:{creds.password}@127.0.0.1:{world.artifactory.port}{LOCAL_REPO}/simple"


def _unreachable(world: World) -> str:
    creds = world.credentials["private"]
    return f"http://{creds.userinfo()}@127.0.0.1:{world.unreachable_port}{LOCAL_REPO}/simple"


ROLES = {
    role.name: role
    for role in (
        Role(
            "private",
            "the private (local) repository's URL with valid credentials",
            lambda w: w.artifactory.url(LOCAL_REPO, w.credentials["private"]),
        ),
        Role(
            "private-wrong-password",
            "the private repository's URL with a revoked token",
            lambda w: w.artifactory.url(LOCAL_REPO, w.credentials["private-revoked"]),
        ),
        Role(
            "private-no-credentials",
            "the private repository's URL without credentials",
            lambda w: w.artifactory.url(LOCAL_REPO),
        ),
        Role(
            "virtual",
            "the virtual repository (private + PyPI remote) URL with valid credentials",
            lambda w: w.artifactory.url(VIRTUAL_REPO, w.credentials["private"]),
        ),
        Role(
            "virtual-wrong-password",
            "the virtual repository's URL with a revoked token",
            lambda w: w.artifactory.url(VIRTUAL_REPO, w.credentials["private-revoked"]),
        ),
        Role(
            "virtual-no-credentials",
            "the virtual repository's URL without credentials",
            lambda w: w.artifactory.url(VIRTUAL_REPO),
        ),
        Role(
            "secondary",
            "the secondary private repository's URL, with its own credentials",
            lambda w: w.secondary.url(SECONDARY_REPO, w.credentials["secondary"]),
        ),
        Role(
            "secondary-wrong-password",
            "the secondary repository's URL with the primary repository's token",
            lambda w: w.secondary.url(SECONDARY_REPO, w.credentials["private"]),
        ),
        Role(
            "virtual-with-excludes",
            "a virtual repository whose PyPI remote excludes the private names (my-*, package-from-*)",
            lambda w: w.artifactory.url(EXCLUDING_REPO, w.credentials["private"]),
        ),
        Role(
            "virtual-as-uv-index",
            "acme=<the virtual repository's URL without credentials>, as UV_INDEX takes it",
            lambda w: "acme=" + w.artifactory.url(VIRTUAL_REPO),
        ),
        Role("private-username", "the private repository's user name alone", lambda w: w.credentials["private"].username),
        Role("private-password", "the private repository's token alone", lambda w: w.credentials["private"].password),
        Role(
            "private-revoked-password",
            "a revoked token alone",
            lambda w: w.credentials["private-revoked"].password,
        ),
        Role(
            "private-special-raw",
            "the private repository's URL for user jane.doe@acme.com, whose password has @ : / #, not encoded",
            _raw_special,
        ),
        Role(
            "private-special-encoded",
            "the same URL with user name and password percent-encoded",
            lambda w: w.artifactory.url(LOCAL_REPO, w.credentials["special"]),
        ),
        Role("pypi", "the public index (stands in for pypi.org)", lambda w: w.pypi.url(PUBLIC_REPO)),
        *(
            Role(v.name, f"the {v.title} repository's URL, with its kind of user name and token",
                 lambda w, v=v: w.vendors[v.name].url(v.path, w.credentials[v.name]))
            for v in VENDORS
        ),
        Role(
            "codeartifact-no-credentials",
            "the AWS CodeArtifact repository's URL without credentials",
            lambda w: w.vendors["codeartifact"].url(VENDORS[0].path),
        ),
        Role("aws-access-key-id", "an AWS access key ID", lambda w: w.credentials["aws"].username),
        Role("aws-secret-access-key", "its AWS secret access key", lambda w: w.credentials["aws"].password),
        Role("unreachable", "a private-repository URL on a host where nothing listens", _unreachable),
    )
}
