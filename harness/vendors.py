"""Private PyPI hosts other than Artifactory: their URL shapes and credentials.

Each gets a local host that serves the private repository under the vendor's
path, for the vendor's kind of user name and token, so every URL shape the
guide shows is one the suite has installed from.
"""

from __future__ import annotations

import base64
import json
import secrets
from dataclasses import dataclass

from harness.indexes import Credentials
from harness.stubs.awscli import authorization_token

CODEARTIFACT_DOMAIN = ("acme", "111122223333")  # domain, domain owner (the AWS account)


@dataclass(frozen=True)
class Vendor:
    name: str  # also the role that yields its URL with credentials
    title: str
    shown_as: str  # the realistic origin logs show
    path: str  # the repository's path; pip's index URL is path + "/" + simple
    simple: str = "simple"


VENDORS = (
    Vendor("codeartifact", "AWS CodeArtifact",
           "https://acme-111122223333.d.codeartifact.eu-west-1.amazonaws.com", "/pypi/ml-packages"),
    Vendor("artifact-registry", "Google Artifact Registry",
           "https://europe-west1-python.pkg.dev", "/acme-ml/ml-packages"),
    Vendor("azure-artifacts", "Azure Artifacts",
           "https://pkgs.dev.azure.com", "/acme/ml/_packaging/ml-packages/pypi"),
    Vendor("gitlab", "GitLab package registry",
           "https://gitlab.example.com", "/api/v4/projects/42/packages/pypi"),
    Vendor("nexus", "Sonatype Nexus", "https://nexus.acme.internal", "/repository/pypi-group"),
    Vendor("pypiserver", "pypiserver", "https://pypi.acme.internal", ""),
    Vendor("devpi", "devpi", "https://devpi.acme.internal", "/acme/prod", simple="+simple"),
)


def _random(alphabet: str, length: int) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(length))


def fake_credentials(aws: Credentials) -> dict[str, Credentials]:
    """Fresh credentials of each vendor's kind; CodeArtifact's token follows from the AWS secret key."""
    lower = "abcdefghijklmnopqrstuvwxyz234567"
    key = {"type": "service_account", "project_id": "acme-ml", "private_key_id": secrets.token_hex(20),
           "client_email": "valohai-ci@acme-ml.iam.gserviceaccount.com"}
    return {
        "codeartifact": Credentials("aws", authorization_token(aws.password, *CODEARTIFACT_DOMAIN)),
        "artifact-registry": Credentials("_json_key_base64", base64.b64encode(json.dumps(key).encode()).decode()),
        "azure-artifacts": Credentials("azure", _random(lower, 52)),
        "gitlab": Credentials("gitlab+deploy-token-1234567", "gldt-" + secrets.token_urlsafe(15).replace("-", "x")),
        "nexus": Credentials("valohai-ci", secrets.token_urlsafe(18)),
        "pypiserver": Credentials("valohai-ci", secrets.token_urlsafe(18)),
        "devpi": Credentials("valohai-ci", secrets.token_urlsafe(18)),
    }


def fake_aws_keys() -> Credentials:
    """An access key ID and secret access key, shaped like AWS's."""
    upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
    return Credentials("AKIA" + _random(upper, 16), secrets.token_urlsafe(30)[:40])
