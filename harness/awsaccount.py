"""The AWS account the ``aws`` stand-in answers for, written into each execution's image.

Its IAM users (by the label of their keys in ``credentials``), what each may do,
and where the account's CodeArtifact repositories are: AWS would know all of it;
the stand-in reads it from ``fidelity.AWS_ACCOUNT``, which the About page
lists. Secret keys are stored as hashes.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from harness import topology
from harness.credentials import CODEARTIFACT_DOMAIN, CODEARTIFACT_REGION
from harness.fidelity import AWS_ACCOUNT
from harness.stubs.awscli import secret_hash

if TYPE_CHECKING:
    from harness.lab import World

PATH = AWS_ACCOUNT
_READ = ("codeartifact:GetAuthorizationToken", "codeartifact:GetRepositoryEndpoint", "codeartifact:ReadFromRepository")
# Credential label -> (IAM user name, the actions its policies allow). Keys under any other label are unknown to AWS.
USERS = {
    "aws": ("valohai-ci", (*_READ, "sts:GetServiceBearerToken")),
    "aws-without-bearer-token": ("valohai-ci-codeartifact-only", _READ),
}


def account_file(world: World) -> str:
    """The file's content for one world: the session's keys, and each CodeArtifact repository's endpoint."""
    domain, owner = CODEARTIFACT_DOMAIN
    host = topology.host("codeartifact")
    repositories = {}
    for repository in host.repositories:
        url = world.hosts[host.name].url(repository.path)
        repositories[f"{domain}/{owner}/{repository.path.rsplit('/', 1)[1]}"] = url.removesuffix("simple")
    users = {
        world.credentials[label].username: {"name": name, "allows": list(allows),
                                            "secret_sha256": secret_hash(world.credentials[label].username,
                                                                         world.credentials[label].password)}
        for label, (name, allows) in USERS.items()
    }
    document = {"account": owner, "region": CODEARTIFACT_REGION, "domain": domain, "users": users,
                "repositories": repositories}
    return json.dumps(document, indent=1) + "\n"
