"""A throw-away filesystem for one execution, laid out like the image's: ``<root>/usr/local``, ``<root>/root``…

Valohai starts every execution from a clean image. Here each one gets a folder
whose paths mirror the image's below a sandbox root, so logs read like a real
execution's once that root is taken out of them (``logs.REWRITES``):

- ``usr/local``: the image's Python, a system install (not a virtual
  environment, so pip behaves as it does in ``python:3.x``, root warning
  included), with the pinned pip in its site-packages and pip's scripts;
- ``root``: HOME, empty; ``tmp``: /tmp;
- ``etc/ssl/certs``: the certificate store, this machine's plus the session CA;
- ``valohai/repository``, ``inputs``, ``outputs``, ``config``: what Valohai mounts.

That tree is one overlay filesystem, as a container's is: the lab's
``ImageTemplate`` below, this sandbox's layer of changes on top. It exists
inside the execution's namespace only (``image``); from outside, what the
execution wrote is in ``layer``. Making a sandbox is a few folders.
"""

from __future__ import annotations

import os
import queue
import secrets
import shutil
import sys
import sysconfig
import tempfile
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path

from harness import fidelity
from harness.fidelity import UV_ROOTS
from harness.images import Image
from harness.janitor import janitor
from harness.wheels import STUBS

PYTHON = f"python{sys.version_info.major}.{sys.version_info.minor}"
LOCAL_CERTIFICATES = "/usr/local/share/ca-certificates"  # where update-ca-certificates finds a site's own CAs
CA_CONFIGURATION = Path("/etc/ca-certificates.conf")
PROJECT_ID = "0192a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"
# Labs and sandboxes live in memory where the machine has it (TMPDIR, if set, wins): folders and links
# are 30 times faster to make on tmpfs than on this machine's /tmp.
SCRATCH = Path(
    os.environ.get("TMPDIR")
    or next((p for p in ("/dev/shm", "/var/tmp") if os.access(p, os.W_OK)), tempfile.gettempdir())
)
# Debian's /etc/nsswitch.conf, with "hosts: files" instead of "hosts: files dns".
NSSWITCH = """passwd:         files
group:          files
shadow:         files
gshadow:        files
hosts:          files
networks:       files
protocols:      db files
services:       db files
ethers:         db files
rpc:            db files
netgroup:       nis
"""
HOSTS = "127.0.0.1\tlocalhost {names}\n::1\tlocalhost ip6-localhost ip6-loopback\n"
# The console script pip's wheel installs, as the image has it.
_PIP_SCRIPT = """#!{python}
# -*- coding: utf-8 -*-
import re
import sys
from pip._internal.cli.main import main
if __name__ == '__main__':
    sys.argv[0] = re.sub(r'(-script\\.pyw|\\.exe)?$', '', sys.argv[0])
    sys.exit(main())
"""


def pip_script(python: str) -> str:
    """The console script pip's wheel installs, naming ``python``."""
    return _PIP_SCRIPT.format(python=python)


@dataclass(frozen=True)
class Mount:
    """One mount in an execution's namespace: a bind, or an overlay of ``lower`` and ``upper``."""

    target: str
    source: Path | None = None  # bind
    lower: Path | None = None  # overlay
    upper: Path | None = None
    work: Path | None = None

    def command(self) -> list[str]:
        if self.source is not None:
            return ["mount", "--bind", str(self.source), self.target]
        options = f"lowerdir={self.lower},upperdir={self.upper},workdir={self.work},userxattr"
        return ["mount", "-t", "overlay", "overlay", "-o", options, self.target]


@dataclass(frozen=True)
class ImageTemplate:
    """The image's files every sandbox starts from, prepared once per lab (``lab.Lab``)."""

    root: Path  # usr/local (the interpreter, links to its standard library, pip), root, tmp, etc/ssl/certs, valohai
    uv: Path  # the uv binary, put in /usr/local/bin of uv's images
    hidden: tuple[Mount, ...]  # empty mounts over this machine's pip and uv configuration

    @classmethod
    def make(cls, root: Path, pinned_pip: Path, certs: Path, local_ca: Path, uv: Path, hidden: tuple[Mount, ...],
             resolved: list[str]) -> ImageTemplate:
        """The local interpreter as a system install, as ``make install`` lays it out, with ``pinned_pip``.

        ``pinned_pip`` (a folder holding pip and its dist-info, on the same filesystem as ``root``) becomes the
        template's site-packages: it is moved, not copied.
        """
        prefix = root / "usr" / "local"
        stdlib = Path(sysconfig.get_path("stdlib", vars={"installed_base": sys.base_prefix}))
        lib = prefix / "lib"
        (lib / PYTHON).mkdir(parents=True)
        (prefix / "bin").mkdir()
        for entry in stdlib.iterdir():
            if entry.name != "site-packages":
                (lib / PYTHON / entry.name).symlink_to(entry)
        for shared in (Path(sys.base_prefix) / "lib").glob("libpython*.so*"):
            (lib / shared.name).symlink_to(shared)
        pinned_pip.rename(lib / PYTHON / "site-packages")
        shutil.copy2(os.path.realpath(sys.executable), prefix / "bin" / PYTHON)
        for alias in ("python3", "python"):
            (prefix / "bin" / alias).symlink_to(PYTHON)
        for folder in ("root", "valohai/repository", "valohai/inputs", "valohai/outputs", "valohai/config", "etc/ssl"):
            (root / folder).mkdir(parents=True)
        # Host names resolve through /etc/hosts alone, which gives the stand-ins' names 127.0.0.1: a name
        # that isn't there fails as an unknown name does, and no lookup ever leaves the machine.
        (root / "etc" / "nsswitch.conf").write_text(NSSWITCH)
        (root / "etc" / "hosts").write_text(HOSTS.format(names=" ".join(resolved)))
        (root / "tmp").mkdir(mode=0o1777)
        (root / "tmp").chmod(0o1777)
        shutil.copytree(certs, root / "etc" / "ssl" / "certs", symlinks=True)
        (root / LOCAL_CERTIFICATES.lstrip("/")).mkdir(parents=True)
        shutil.copy2(local_ca, root / LOCAL_CERTIFICATES.lstrip("/"))
        uv_roots = root / UV_ROOTS.lstrip("/")  # fidelity: "uv's roots"
        uv_roots.parent.mkdir(parents=True)
        uv_roots.write_bytes((certs / "ca-certificates.crt").read_bytes())
        if CA_CONFIGURATION.is_file():  # update-ca-certificates reads it, and may write it
            shutil.copy2(CA_CONFIGURATION, root / "etc" / CA_CONFIGURATION.name)
        # uv and uvx beside the image, not linked from the virtual environment: an execution gets its own /tmp,
        # which would hide a virtual environment under /tmp (a clone there, say).
        binaries = root.parent / f"{root.name}-uv"
        binaries.mkdir()
        for name in ("uv", "uvx"):
            if (uv.parent / name).exists():
                shutil.copy2(uv.parent / name, binaries / name)
        return cls(root, binaries / uv.name, hidden)


@dataclass(frozen=True)
class Sandbox:
    root: Path

    @property
    def image(self) -> Path:
        """Where the execution sees its filesystem; every image path is this folder plus the path."""
        return self.root / "image"

    @property
    def layer(self) -> Path:
        """What the execution changed, seen from outside its namespace: paths below it are the image's."""
        return self.root / "layer" / "upper"

    @property
    def repository(self) -> Path:
        return self.image / "valohai" / "repository"

    @property
    def home(self) -> Path:
        return self.image / "root"

    @property
    def python(self) -> Path:
        return self.image / "usr" / "local" / "bin" / PYTHON

    @property
    def installed(self) -> Path:
        """The packages the execution installed, from outside: its layer of the image's site-packages."""
        return self.layer / "usr" / "local" / "lib" / PYTHON / "site-packages"

    @property
    def project_installed(self) -> Path:
        """The packages ``uv sync`` installed, from outside: the project's environment, /valohai/repository/.venv."""
        return self.layer / "valohai" / "repository" / ".venv" / "lib" / PYTHON / "site-packages"

    @property
    def repository_after(self) -> Path:
        """The repository as the execution left it, from outside (files it didn't touch are there too)."""
        return self.layer / "valohai" / "repository"

    @classmethod
    def blank(cls, root: Path, template: ImageTemplate) -> Sandbox:
        """Empty folders for the overlay, and pip's scripts naming this sandbox's Python."""
        box = cls(root)
        box.image.mkdir()
        (root / "layer" / "work").mkdir(parents=True)
        scripts = box.layer / "usr" / "local" / "bin"
        scripts.mkdir(parents=True)
        for name in ("pip", "pip3", f"pip3.{sys.version_info.minor}"):
            (scripts / name).write_text(pip_script(str(box.python)))
            (scripts / name).chmod(0o755)
        return box

    def fill(self, recipe_folder: Path, files: list[Path]) -> Sandbox:
        """Copy ``files`` (the recipe's own, not the harness's) into the repository, as Valohai does."""
        for file in files:
            target = self.repository_after / file.relative_to(recipe_folder)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(file, target)
        return self

    def add_input(self, name: str, filename: str, content: bytes) -> None:
        """A file where Valohai downloads an input: /valohai/inputs/<input name>/<file name>."""
        folder = self.layer / "valohai" / "inputs" / name
        folder.mkdir(parents=True, exist_ok=True)
        (folder / filename).write_bytes(content)

    def add_command(self, path: str, stub: str) -> None:
        """A stand-in command where the image has the real one: a script of ``harness/stubs/<stub>.py`` run by the
        image's Python."""
        target = self.layer / path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(f"#!{self.python}\n" + (STUBS / f"{stub}.py").read_text())
        target.chmod(0o755)

    def add_file(self, path: str, text: str) -> None:
        """A file the harness puts in the image at ``path`` (each is a listed deviation, ``fidelity``)."""
        target = self.layer / path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)

    def add_uv(self, template: ImageTemplate) -> None:
        """uv's images copy uv and uvx into /usr/local/bin."""
        for name in ("uv", "uvx"):
            binary = template.uv.parent / name
            if binary.exists():
                (self.layer / "usr" / "local" / "bin" / name).symlink_to(binary)

    def mounts(self, template: ImageTemplate, lower: Path | None = None, extra: list[Mount] | tuple = ()) -> list[Mount]:
        """The execution's namespace: its image (the template's files, or ``lower``'s: a built image's, which needs
        ``extra`` mounts inside it), the certificate store and /tmp at their real paths."""
        mounts = [
            Mount(str(self.image), lower=lower or template.root, upper=self.layer, work=self.root / "layer" / "work"),
            *extra,
            Mount("/etc/ssl/certs", source=self.image / "etc" / "ssl" / "certs"),
            Mount("/etc/nsswitch.conf", source=self.image / "etc" / "nsswitch.conf"),
            Mount("/etc/hosts", source=self.image / "etc" / "hosts"),
        ]
        # Where update-ca-certificates reads local certificates, and its configuration: the image's own.
        if Path("/usr/local/share").is_dir():
            mounts.append(Mount("/usr/local/share", source=self.image / "usr" / "local" / "share"))
        if CA_CONFIGURATION.is_file():
            mounts.append(Mount(str(CA_CONFIGURATION), source=self.image / "etc" / CA_CONFIGURATION.name))
        if not self.root.is_relative_to("/tmp"):  # else hiding /tmp would hide the sandbox itself
            mounts.append(Mount("/tmp", source=self.image / "tmp"))
        return [*mounts, *template.hidden]

    def holds(self, path: str, lower: Path) -> bool:
        """Whether the execution left ``path`` in its image, seen from outside: in its layer, or in ``lower`` unless
        the layer deleted it (overlayfs marks a deletion with a 0/0 character device, over it or a folder above)."""
        parts = Path(path.lstrip("/")).parts
        for depth in range(1, len(parts) + 1):
            upper = self.layer.joinpath(*parts[:depth])
            if upper.is_char_device() and os.stat(upper, follow_symlinks=False).st_rdev == 0:
                return False
        upper = self.layer.joinpath(*parts)
        below = lower.joinpath(*parts)
        return upper.exists() or upper.is_symlink() or below.exists() or below.is_symlink()

    def environment(self, image: Image) -> dict[str, str]:
        """What the image's Dockerfile and Docker set, with every image path inside this sandbox."""
        env = dict(image.environment)
        env["PATH"] = ":".join(
            f"{self.image}{entry}" if entry.startswith("/usr/local") else entry for entry in env["PATH"].split(":")
        )
        if "UV_TOOL_BIN_DIR" in env:
            env["UV_TOOL_BIN_DIR"] = f"{self.image}{env['UV_TOOL_BIN_DIR']}"
        env["HOME"] = str(self.home)
        env["HOSTNAME"] = secrets.token_hex(6)  # Docker's: the container ID's first 12 hex digits
        return env

    def valohai_variables(self) -> dict[str, str]:
        """The ``VH_*`` variables Valohai sets, pointing into this sandbox."""
        values = (self.repository, self.image / "valohai" / "inputs", self.image / "valohai" / "outputs",
                  self.image / "valohai" / "config", uuid.uuid4(), PROJECT_ID)
        return dict(zip(fidelity.VALOHAI_VARIABLES, map(str, values), strict=True))


class SandboxPool:
    """Blank sandboxes made ahead of time in a background thread, each handed out once; nothing is reused."""

    def __init__(self, template: ImageTemplate, ready: int = 2):
        self.template = template
        self._ready: queue.Queue[Sandbox] = queue.Queue(maxsize=ready)
        self._used: queue.Queue[Path | None] = queue.Queue()
        self._stopping = threading.Event()
        self._threads = [
            threading.Thread(target=self._make, name="sandbox maker", daemon=True),
            threading.Thread(target=self._delete, name="sandbox deleter", daemon=True),
        ]

    def start(self) -> SandboxPool:
        for thread in self._threads:
            thread.start()
        return self

    def take(self) -> Sandbox:
        return self._ready.get(timeout=60)

    def discard(self, box: Sandbox) -> None:
        self._used.put(box.root)

    def stop(self) -> None:
        self._stopping.set()
        self._used.put(None)
        for thread in self._threads:
            thread.join(timeout=10)
        while not self._ready.empty():
            self._remove(self._ready.get_nowait().root)

    def _make(self) -> None:
        while not self._stopping.is_set():
            root = Path(tempfile.mkdtemp(prefix="harness-sandbox-", dir=SCRATCH))
            janitor.watch_path(str(root))
            box = Sandbox.blank(root, self.template)
            while not self._stopping.is_set():
                try:
                    self._ready.put(box, timeout=0.2)
                    break
                except queue.Full:
                    continue
            else:
                self._remove(root)

    def _delete(self) -> None:
        while (root := self._used.get()) is not None:
            self._remove(root)

    @staticmethod
    def _remove(root: Path) -> None:
        remove(root)
        janitor.forget_path(str(root))


def remove(root: Path) -> None:
    """Delete a sandbox, the overlay's work folder included (the kernel leaves it mode 000)."""
    for work in root.glob("layer/work/*"):
        work.chmod(0o700)
    shutil.rmtree(root, ignore_errors=True)
