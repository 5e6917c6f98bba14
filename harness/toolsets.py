"""The pip and uv an execution runs, laid out as an image's files: the pinned ones, or another of the matrix.

The pinned pip is copied from this environment; every other pip comes from its
wheel in ``.cache/pip-matrix`` and is laid out as ``get-pip.py`` or ``ensurepip``
leave it: the package, its dist-info with ``INSTALLER`` (pip's self version
check runs only for a pip that pip installed), and its modules compiled. A pip
older than 24.2 trusts only the certificates of its own vendored certifi bundle,
so the session CA is added there (a listed deviation, ``fidelity``); newer pips
read the image's store, which trusts it. Another uv is its wheel's binaries
beside the pinned pip.
"""

from __future__ import annotations

import compileall
import os
import platform
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass, replace
from email.parser import HeaderParser
from importlib import metadata
from pathlib import Path

from packaging.specifiers import SpecifierSet
from packaging.version import Version

from harness import fetch, pip_versions, topology
from harness.errors import IndexHostError, ToolsetError
from harness.sandbox import LOCAL_CERTIFICATES, PYTHON, ImageTemplate, Mount, SandboxPool
from harness.tls import SESSION_CA_NAME, SessionCA

SYSTEM_CERTS = Path("/etc/ssl/certs")
SYSTEM_BUNDLE = "ca-certificates.crt"
# This machine's pip and uv configuration, which no image has: hidden from every execution.
MACHINE_CONFIGURATION = ("/etc/pip.conf", "/etc/xdg/pip", "/etc/xdg/uv", "/etc/uv", "/etc/ca-certificates/update.d")
# pip 24.2 verifies against the system store (truststore) as well as certifi: NEWS.rst, 24.2, "Use system
# certificates *and* certifi certificates to verify HTTPS connections on Python 3.10+".
SYSTEM_STORE_FROM = Version("24.2")
CERTIFI_BUNDLE = "pip/_vendor/certifi/cacert.pem"
PINNED_PIP, PINNED_UV = pip_versions.PINNED, pip_versions.PINNED_UV


@dataclass(frozen=True)
class Unrunnable:
    """Why a pip of the matrix cannot run on this machine's Python."""

    version: str
    reason: str

    def __str__(self) -> str:
        return f"pip {self.version} cannot run on Python {platform.python_version()}: {self.reason}"


@dataclass
class Toolset:
    """One pip and one uv as an image's files, and sandboxes made from them ahead of time."""

    pip: str
    uv: str
    template: ImageTemplate
    sandboxes: SandboxPool

    @property
    def pinned(self) -> bool:
        return self.pip == PINNED_PIP and self.uv == PINNED_UV

    def stop(self) -> None:
        self.sandboxes.stop()


def pinned_template(workdir: Path, ca: SessionCA, uv: Path) -> ImageTemplate:
    """The image's /usr/local with the pinned pip, and a system certificate store that trusts the session CA."""
    pinned = workdir / "pinned-pip"
    dist = metadata.distribution("pip")
    dist_info = Path(dist._path)
    shutil.copytree(Path(dist.locate_file("pip")), pinned / "pip")  # with its .pyc files: still valid, same mtimes
    shutil.copytree(dist_info, pinned / dist_info.name)
    certs = workdir / "certs"
    if not (SYSTEM_CERTS / SYSTEM_BUNDLE).is_file():
        raise IndexHostError(f"the emulated images need a Debian certificate store at {SYSTEM_CERTS}: "
                             "apt-get install ca-certificates")
    # The session CA as a local certificate, the way update-ca-certificates installs one: a file in
    # /usr/local/share/ca-certificates, a link to it in /etc/ssl/certs, and the PEM at the bundle's end.
    shutil.copytree(SYSTEM_CERTS, certs, symlinks=True)
    (certs / SYSTEM_BUNDLE).unlink()  # a link in some stores: write our own copy
    (certs / SYSTEM_BUNDLE).write_bytes((SYSTEM_CERTS / SYSTEM_BUNDLE).read_bytes() + ca.pem)
    local = ca.write_pem(workdir / f"{SESSION_CA_NAME}.crt")
    (certs / f"{SESSION_CA_NAME}.pem").symlink_to(f"{LOCAL_CERTIFICATES}/{local.name}")
    hashed = subprocess.run(["openssl", "x509", "-subject_hash", "-noout", "-in", str(local)],
                            capture_output=True, text=True, check=False).stdout.strip()
    if hashed:  # what update-ca-certificates links, for lookups by directory
        (certs / f"{hashed}.0").symlink_to(f"{SESSION_CA_NAME}.pem")
    empty_file, empty_dir = workdir / "empty-file", workdir / "empty-folder"
    empty_file.touch()
    empty_dir.mkdir()
    hidden = tuple(Mount(p, source=empty_dir if Path(p).is_dir() else empty_file)
                   for p in MACHINE_CONFIGURATION if Path(p).exists())
    return ImageTemplate.make(workdir / "image", pinned, certs, local, uv, hidden, topology.resolved_names())


def other_template(base: ImageTemplate, folder: Path, pip: str, uv: str, session_ca: bytes) -> ImageTemplate:
    """``base`` with another pip (from its wheel) or another uv (the binaries of its wheel) in it."""
    site = folder / "site-packages"
    if pip != PINNED_PIP:
        unpack(pip_versions.wheel(pip), site, session_ca)
        bad = unrunnable(pip, site)
        if bad is not None:
            raise ToolsetError(str(bad))
    else:  # the template's own site-packages is moved into the new one, so copy the pinned pip
        shutil.copytree(site_packages_of(base), site, symlinks=True)
    if uv != PINNED_UV:
        base = replace(base, uv=uv_binaries(fetch.uv_wheel(uv), uv, folder / "bin"))
    local_ca = next((base.root / LOCAL_CERTIFICATES.lstrip("/")).glob("*.crt"))
    return ImageTemplate.make(folder / "image", site, base.root / "etc" / "ssl" / "certs", local_ca, base.uv,
                              base.hidden, topology.resolved_names())


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


def uv_binaries(wheel: Path, version: str, folder: Path) -> Path:
    """uv and uvx from PyPI's ``uv`` wheel (it holds the binaries), in ``folder``; the path of uv."""
    folder.mkdir(parents=True)
    with zipfile.ZipFile(wheel) as archive:
        for name in ("uv", "uvx"):
            (folder / name).write_bytes(archive.read(f"uv-{version}.data/scripts/{name}"))
            (folder / name).chmod(0o755)
    return folder / "uv"


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


def site_packages_of(template: ImageTemplate) -> Path:
    return template.root / "usr" / "local" / "lib" / PYTHON / "site-packages"


def _metadata(dist_info: Path):
    return HeaderParser().parsestr((dist_info / "METADATA").read_text())
