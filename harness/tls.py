"""The session's certificate authority, made with trustme, and the server certificates it signs.

The session CA stands in for the public CAs that sign pypi.org's and the
vendors' real certificates: the emulated image trusts it through its system
store (see ``sandbox``), as a real image trusts theirs. A second one, the
company's, signs a self-hosted Artifactory's certificate, and no image trusts it
until a recipe says so.
"""

from __future__ import annotations

import datetime
import ssl
from pathlib import Path

import trustme

SESSION_CA_NAME = "harness-session-ca"
COMPANY_CA_ORGANIZATION = "Acme Corp internal CA"


class SessionCA:
    def __init__(self, organization: str = "Valohai private-index guide test session"):
        # Fixed names, not trustme's random "Testing CA #…": older pips print a certificate's subject and issuer.
        self._organization = organization
        self._ca = trustme.CA(organization_name=organization, organization_unit_name="Certificate authority",
                              key_type=trustme.KeyType.ECDSA)

    @property
    def pem(self) -> bytes:
        return self._ca.cert_pem.bytes()

    def issue(self, folder: Path, name: str, *hosts: str, expired: bool = False) -> tuple[Path, Path]:
        """Certificate chain and key files for a server known as ``hosts``, as a real host's names itself alone."""
        folder.mkdir(parents=True, exist_ok=True)
        validity = {}
        if expired:  # a year's certificate that ran out last week
            now = datetime.datetime.now(datetime.UTC)
            validity = {"not_before": now - datetime.timedelta(days=372), "not_after": now - datetime.timedelta(days=7)}
        leaf = self._ca.issue_cert(*hosts, organization_name=self._organization, organization_unit_name="Server",
                                   key_type=trustme.KeyType.ECDSA, **validity)
        chain, key = folder / f"{name}.pem", folder / f"{name}.key"
        chain.write_bytes(b"".join(pem.bytes() for pem in leaf.cert_chain_pems))
        leaf.private_key_pem.write_to_path(str(key))
        return chain, key

    def client_context(self) -> ssl.SSLContext:
        """A client context that trusts this CA alone, for the harness's own requests.

        The harness reaches a stand-in at 127.0.0.1, which its certificate doesn't name (a real
        host's doesn't either), so this checks the chain and not the name.
        """
        context = ssl.create_default_context()
        context.check_hostname = False
        self._ca.configure_trust(context)
        return context

    def write_pem(self, path: Path) -> Path:
        path.write_bytes(self.pem)
        return path
