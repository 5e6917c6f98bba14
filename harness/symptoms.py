"""What a failed execution's log says, the section of the guide that explains it, and the scenarios that show it
(data only).

A reader pastes a log and is sent to a section; the rules that recognise it are
derived from the committed logs of the scenarios listed in ``SHOWN_BY``
(``harness.explain_rules``), so a new failure scenario needs only its line
there. Where the logs of two causes can't be told apart, the section that
lists both says so in ``also``, and the pasted log is sent there.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Symptom:
    id: str
    page: str  # under docs/
    anchor: str  # the section's id on that page
    says: str  # what the log says, in one line (markdown)
    cause: str  # the likeliest cause and what to do, in one line (markdown)
    also: tuple[str, ...] = ()  # other symptoms whose logs this section explains too: logs that look the same

    @property
    def target(self) -> str:
        return f"{self.page}#{self.anchor}"


PAGE = "troubleshooting.md"
TABLE = (PAGE, "symptoms")  # where the guide lists every symptom: a log nothing recognises is sent there

SYMPTOMS = (  # in the order of the page: the failures readers hit most first
    Symptom("public-packages-fail", PAGE, "public-packages-fail",
            "`No matching distribution found for` a public package (`torch`), while private ones install.",
            "The URL is a repository that doesn't serve PyPI: use a virtual repository that includes a PyPI remote."),
    Symptom("unauthorized-401", PAGE, "unauthorized-401",
            "`401 Error, Credentials not correct`, uv's `401 Unauthorized`, or curl's `HTTP 401`.",
            "The token is wrong, expired or revoked: create a new one and update the variable."),
    Symptom("no-credentials", PAGE, "no-credentials",
            "`User for <host>:`, then `EOFError: EOF when reading a line`.",
            "pip asks for a user name nobody can type: the URL has no user name and token, and no .netrc names its "
            "host (pips before 21.1 also ask when the token is wrong).",
            also=("unauthorized-401",)),
    Symptom("no-matching-distribution", PAGE, "no-matching-distribution",
            "Only `No matching distribution found`, nothing before it.",
            "The index serves no such package to this URL and token: a repository without PyPI, a name it doesn't "
            "have, or credentials this pip doesn't report as refused.",
            also=("public-packages-fail", "package-not-found", "unauthorized-401", "no-credentials",
                  "forbidden-403", "wrong-platform")),
    Symptom("package-not-found", PAGE, "package-not-found",
            "`from versions: none` for a package of your own.",
            "The repository has no package by that name: check its spelling, and where it was published."),
    Symptom("version-not-found", PAGE, "version-not-found",
            "`(from versions: 1.2.2, 1.3.0)` without the version asked for.",
            "That version isn't published in the repository: check the pin against the versions pip lists."),
    Symptom("wrong-platform", PAGE, "wrong-platform",
            "`from versions: none` for a package the repository has; uv's `no wheels with a matching platform tag`.",
            "Its only wheels are for another platform, such as a Mac: publish a Linux wheel, or an sdist."),
    Symptom("requires-python", PAGE, "requires-python",
            "`requires a different Python`, or uv's `requires Python >=3.13`.",
            "The package's files need another Python than the image's: pick an image or a package version that fit."),
    Symptom("uv-not-found", PAGE, "uv-not-found",
            "uv: `was not found in the package registry`, with no hint about credentials.",
            "uv looked on PyPI: it doesn't read `PIP_INDEX_URL` or pip's configuration. Set `UV_DEFAULT_INDEX` too."),
    Symptom("forbidden-403", PAGE, "forbidden-403",
            "curl's `HTTP 403`, uv's `403 Forbidden`, or pip's `HTTP error 403 while getting` a file.",
            "The token works, but its user may not read the repository, or a policy blocks the package."),
    Symptom("unreachable", PAGE, "unreachable",
            "`Retrying (Retry(…)) after connection broken by`, or curl's `HTTP 000` after error 6, 7 or 28.",
            "The execution can't reach the host: nothing listens there, a firewall drops the connection, or the "
            "host name is mistyped."),
    Symptom("download-timeout", PAGE, "download-timeout",
            "`Read timed out` on a file (`/packages/…`), `didn't respond within … seconds`, or uv's `operation timed "
            "out`.",
            "A download, such as a large wheel's first through the remote, starts later than the timeout: raise "
            "`PIP_TIMEOUT` or `UV_HTTP_TIMEOUT`."),
    Symptom("certificates", PAGE, "certificates",
            "`CERTIFICATE_VERIFY_FAILED`, or uv's `invalid peer certificate`.",
            "The image doesn't trust the server's certificate (your company's own CA), or the certificate is for "
            "another host name or has expired."),
    Symptom("special-characters", PAGE, "special-characters",
            "`Port could not be cast to integer value`, or curl's `URL using bad/illegal format`.",
            "The user name or token holds `@ : / # ?` as they are: percent-encode them in the URL."),
    Symptom("requirements-variable", PAGE, "requirements-variable",
            "`The index url \"$…\" seems invalid`.",
            "`requirements.txt` names the variable as `$VAR`, or it isn't set: pip expands only `${VAR}`, when set."),
    Symptom("uv-lock-outdated", PAGE, "uv-lock-outdated",
            "uv's `The lockfile at uv.lock needs to be updated, but --locked was provided`.",
            "uv.lock doesn't match pyproject.toml, here an index URL: run `uv lock` and commit uv.lock."),
    Symptom("codeartifact-token", PAGE, "codeartifact-token",
            "`An error occurred (…) when calling the GetAuthorizationToken operation`.",
            "aws got no CodeArtifact token: AWS doesn't know the keys, or their IAM user lacks the permission the "
            "error names."),
    Symptom("build-secret-missing", PAGE, "build-secret-missing",
            "An image build stops at a secret mount: `secret required but no secret with id … found`.",
            "CI's build command doesn't pass the build secret: add `--secret id=<id>,src=<file>`."),
    Symptom("pip-option", PAGE, "pip-option",
            "`no such option: --dry-run`, `invalid choice: 'truststore'`, or `is not a valid value`.",
            "The image's pip is older than the option or value: `pip install --dry-run` came in 22.2."),
)
BY_ID = {s.id: s for s in SYMPTOMS}

# "<slug>::<scenario>" → the symptom its logs show, for every scenario that fails (under some execution model, or
# under some pip of the matrix), and for those that succeed while their log shows a failure the step hides.
# "<slug>::<scenario> <range>" (a range the scenario declares under pips:) → the symptom under those pips, where
# it differs.
SHOWN_BY = {
    "bake-into-image::without-the-secret": "build-secret-missing",
    "bake-into-image::revoked-token": "unauthorized-401",
    "check-index-url::host-unreachable": "unreachable",
    "check-index-url::raw-at-sign": "special-characters",
    "check-index-url::wrong-password": "unauthorized-401",
    "connection-failures::connection-refused": "unreachable",
    "connection-failures::firewalled": "unreachable",
    "connection-failures::never-answers": "unreachable",
    "connection-failures::mistyped-host": "unreachable",
    "connection-failures::curl-firewalled": "unreachable",
    "connection-failures::curl-never-answers": "unreachable",
    "connection-failures::curl-mistyped-host": "unreachable",
    "large-wheel-timeout::read-timeout": "download-timeout",
    "large-wheel-timeout::uv-network-timeout": "download-timeout",
    "last-command-masks-failure::wrong-password": "unauthorized-401",
    "last-command-masks-failure::wrong-password <22.2": "pip-option",
    "missing-package::misspelled-name": "package-not-found",
    "missing-package::unpublished-version": "version-not-found",
    "mix-private-and-public::local-repository": "public-packages-fail",
    "pytorch::index-url-replaces-the-variable": "package-not-found",
    "incompatible-wheels::requires-python": "requires-python",
    "incompatible-wheels::uv-requires-python": "requires-python",
    "incompatible-wheels::other-platform": "wrong-platform",
    "incompatible-wheels::other-platform-debug": "wrong-platform",
    "incompatible-wheels::other-platform-debug <20.3": "pip-option",
    "incompatible-wheels::uv-other-platform": "wrong-platform",
    "multiple-private-packages::local-repository": "public-packages-fail",
    "multiple-private-repositories::secondary-wrong-token": "unauthorized-401",
    "multiple-private-repositories::one-host-two-tokens <21.2": "no-matching-distribution",
    "multiple-private-repositories::one-host-two-tokens >=21.2,<23.1": "forbidden-403",
    "codeartifact::pip-wrong-aws-keys": "codeartifact-token",
    "codeartifact::login-without-bearer-token-permission": "codeartifact-token",
    "codeartifact::export-hides-the-failure": "codeartifact-token",
    "other-hosts::codeartifact-without-external-connection": "public-packages-fail",
    "other-hosts::artifact-registry-standard-repository": "public-packages-fail",
    "other-hosts::azure-artifacts-without-upstream": "public-packages-fail",
    "requirements-variable::dollar-without-braces": "requirements-variable",
    "requirements-variable::variable-unset": "requirements-variable",
    "self-hosted-certificates::untrusted-company-ca": "certificates",
    "self-hosted-certificates::system-store <24.2": "certificates",
    "self-hosted-certificates::uv-untrusted-company-ca": "certificates",
    "self-hosted-certificates::wrong-host-name": "certificates",
    "self-hosted-certificates::expired-certificate": "certificates",
    "special-characters::raw-slash": "special-characters",
    "special-characters::raw-hash": "special-characters",
    "special-characters::raw-question-mark": "special-characters",
    "use-in-executions::local-repository": "public-packages-fail",
    "use-in-executions::no-credentials": "no-credentials",
    "uv::wrong-token": "unauthorized-401",
    "uv-project::credentials-for-another-index-name": "unauthorized-401",
    "uv-lock-other-index::lock-made-against-another-index": "uv-lock-outdated",
    "uv-with-pip-variables::group-sets-only-pip-index-url": "uv-not-found",
    "verify-authentication-any-pip::wrong-password": "unauthorized-401",
    "verify-authentication-any-pip::no-credentials": "no-credentials",
    "verify-authentication::valid-credentials <22.2": "pip-option",
    "verify-authentication::wrong-password": "unauthorized-401",
    "verify-authentication::wrong-password <22.2": "pip-option",
    "verify-authentication::no-credentials": "no-credentials",
    "verify-authentication::no-credentials <22.2": "pip-option",
    "verify-authentication::no-read-permission": "forbidden-403",
    "verify-authentication::no-read-permission <22.2": "pip-option",
    "verify-authentication::no-read-permission-verbose": "forbidden-403",
    "verify-authentication::no-read-permission-verbose <22.2": "pip-option",
    "verify-authentication::no-read-permission-debug": "forbidden-403",
    "verify-authentication::no-read-permission-debug <20.3": "pip-option",
    "verify-authentication::no-read-permission-debug >=20.3,<22.2": "pip-option",
    "check-index-url::no-read-permission": "forbidden-403",
    "pip-index-url-variable::curation-blocks-a-version": "forbidden-403",
    "uv::no-read-permission": "forbidden-403",
    "uv::curation-blocks-a-version": "forbidden-403",
    "self-hosted-certificates::truststore-feature <22.2": "pip-option",
    "self-hosted-certificates::truststore-feature >=22.2,<23.3": "certificates",
    "netrc::machine-for-another-host": "no-credentials",
    "netrc::curl-machine-for-another-host": "unauthorized-401",
    "keyring::no-input-auto": "no-matching-distribution",
    "keyring::no-input >=20.3,<23.1": "no-matching-distribution",
    "keyring::keyring-command-beside-pip": "no-credentials",
    "keyring::keyring-command >=23.1,<26.2": "no-credentials",
    "keyring::keyring-from-the-private-index": "no-credentials",
    "keyring::uv-keyring-without-user-name": "unauthorized-401",
}
