"""The image with another pip: the lab's template, with a pip unpacked from its wheel instead of the pinned one.

The pinned pip is copied from this environment (``lab``); every other pip in
the matrix comes from its wheel in ``.cache/pip-matrix`` and is laid out as
``get-pip.py`` or ``ensurepip`` leave it: the package, its dist-info with
``INSTALLER`` (pip's self version check runs only for a pip that pip installed),
and its modules compiled. A pip older than 24.2 trusts only the certificates in
its own vendored certifi bundle, so the session CA is added there (a listed
deviation, ``fidelity``); newer pips read the image's store, which trusts it.
"""

from __future__ import annotations

import compileall
import os
import platform
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from email.parser import HeaderParser
from pathlib import Path

from packaging.specifiers import SpecifierSet
from packaging.version import Version

from harness import topology
from harness.sandbox import LOCAL_CERTIFICATES, PYTHON, ImageTemplate, SandboxPool

# pip 24.2 verifies against the system store (truststore) as well as certifi: NEWS.rst, 24.2, "Use system
# certificates *and* certifi certificates to verify HTTPS connections on Python 3.10+".
SYSTEM_STORE_FROM = Version("24.2")
CERTIFI_BUNDLE = "pip/_vendor/certifi/cacert.pem"


class PipImageError(RuntimeError):
    """A pip of the matrix can't be laid out or can't run here; the message says what to do."""


@dataclass(frozen=True)
class Unrunnable:
    """Why a pip of the matrix cannot run on this machine's Python."""

    version: str
    reason: str

    def __str__(self) -> str:
        return f"pip {self.version} cannot run on Python {platform.python_version()}: {self.reason}"


def unpack(wheel: Path, site_packages: Path, session_ca_pem: bytes) -> Path:
    """Lay ``wheel`` out in ``site_packages`` as an installed pip, trusting the session CA if it needs certifi."""
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site_packages)
    dist_info = next(site_packages.glob("pip-*.dist-info"))
    (dist_info / "INSTALLER").write_text("pip\n")
    if version_of(dist_info) < SYSTEM_STORE_FROM:
        bundle = site_packages / CERTIFI_BUNDLE
        bundle.write_bytes(bundle.read_bytes().rstrip(b"\n") + b"\n" + session_ca_pem)
    compileall.compile_dir(site_packages / "pip", quiet=1, workers=1)
    return site_packages


def version_of(dist_info: Path) -> Version:
    return Version(_metadata(dist_info)["Version"])


def unrunnable(version: str, site_packages: Path) -> Unrunnable | None:
    """Whether this pip says it needs another Python, or fails to start on this one."""
    dist_info = next(site_packages.glob("pip-*.dist-info"))
    requires = _metadata(dist_info).get("Requires-Python")
    if requires and platform.python_version() not in SpecifierSet(requires):
        return Unrunnable(version, f"it requires Python {requires}")
    probe = ("import sys; sys.path.insert(0, sys.argv[1]); from pip._internal.cli.main import main; "
             "sys.exit(main(['--version']))")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(site_packages.parent), "PIP_CONFIG_FILE": os.devnull}
    result = subprocess.run([sys.executable, "-I", "-c", probe, str(site_packages)], env=env,
                            capture_output=True, text=True, timeout=60, check=False)
    if result.returncode != 0 or f"pip {version} " not in result.stdout:
        last = (result.stderr.strip().splitlines() or ["no output"])[-1]
        return Unrunnable(version, last)
    return None


def template(root: Path, base: ImageTemplate, site_packages: Path) -> ImageTemplate:
    """The lab's image (certificate store, hosts, uv, hidden configuration) with this pip in its site-packages."""
    local_ca = next((base.root / LOCAL_CERTIFICATES.lstrip("/")).glob("*.crt"))
    return ImageTemplate.make(root, site_packages, base.root / "etc" / "ssl" / "certs", local_ca, base.uv,
                              base.hidden, topology.resolved_names())


class PipLab:
    """The lab's servers and worlds, seen through an image that holds another pip.

    ``runner.run`` takes it in place of the lab: it reads the template, the sandboxes
    and the pip version from here, and everything else from the lab.
    """

    def __init__(self, lab, version: str, template: ImageTemplate):
        self._lab = lab
        self.pip_version = version
        self.template = template
        self.sandboxes = SandboxPool(template, ready=1).start()

    def __getattr__(self, name: str):
        return getattr(self._lab, name)

    def stop(self) -> None:
        self.sandboxes.stop()


def site_packages_of(template: ImageTemplate) -> Path:
    return template.root / "usr" / "local" / "lib" / PYTHON / "site-packages"


def _metadata(dist_info: Path):
    return HeaderParser().parsestr((dist_info / "METADATA").read_text())
