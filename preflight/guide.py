"""Links to the guide's pages, one style for every finding whose cause a page explains.

The site is built from ``docs/`` (``docs/<page>.md`` is ``<SITE><page>/``); a
test checks that each page and heading named here exists.
"""

from __future__ import annotations

SITE = "https://valohai.github.io/private-pypi-guide/"

# What a finding links to: the page under docs/ (without .md) and a heading's anchor on it.
PAGES = {
    "declare-the-variable": ("setup/store-in-valohai", "declare-it-in-the-step"),
    "keep-out-of-logs": ("security", "keep-the-token-out-of-execution-logs"),
    "keep-out-of-repository": ("security", "keep-the-token-out-of-the-repository"),
    "set-e": ("install/verify-authentication", "why-the-step-starts-with-set-e"),
    "command-items": ("about", "how-the-command-items-run"),
    "dependency-confusion": ("install/dependency-confusion", ""),
    "index-url": ("install/index-url", ""),
    "pytorch": ("install/pytorch", ""),
    "no-credentials": ("troubleshooting", "no-credentials"),
    "uv": ("install/uv", "only-pip-variables"),
    "uv-project": ("install/uv-project", "credentials"),
    "requirements-variable": ("install/environment-variables", "refer-to-a-variable-in-requirementstxt"),
    "certificates": ("troubleshooting", "certificates"),
    "export-masks-failure": ("setup/codeartifact", "assign-the-token-then-export-it"),
    "image-secrets": ("install/docker-image", "keep-the-token-out-of-the-image"),
    "netrc": ("install/credentials-outside-the-url", "netrc"),
    "keyring": ("install/credentials-outside-the-url", "keyring"),
    "wheelhouse": ("install/wheelhouse", ""),
}


def link(topic: str) -> str:
    page, anchor = PAGES[topic]
    return f"{SITE}{page}/" + (f"#{anchor}" if anchor else "")
