"""A throw-away world for one execution: repository copy, Python environment, HOME.

Valohai starts every execution from a clean image. Here each one gets a fresh
virtual environment that reuses the pinned pip through a ``.pth`` file (a
fraction of the cost of ``python -m venv``), its own HOME and XDG folders, and a
*global* pip config naming the public index, so that ``pip config set`` (the
user file) still wins exactly as in a real image. Nothing is inherited from the
invoking shell: no ``PIP_*``, no ``UV_*``, no pip.conf, no proxy.
"""

from __future__ import annotations

import queue
import shutil
import sys
import tempfile
import threading
import uuid
import venv
from dataclasses import dataclass
from pathlib import Path

from harness.janitor import janitor

_SYSTEM_PATH = "/usr/bin:/bin"
_PIP_SCRIPT = "#!{python}\nimport sys\nfrom pip._internal.cli.main import main\nsys.exit(main())\n"


class _ImageLikeEnvBuilder(venv.EnvBuilder):
    def setup_scripts(self, context):
        pass  # no activate scripts: a python:3.x image has no virtual environment to activate


@dataclass(frozen=True)
class Sandbox:
    root: Path

    @property
    def repository(self) -> Path:
        return self.root / "repository"

    @property
    def python(self) -> Path:
        return self.root / "python"

    @property
    def home(self) -> Path:
        return self.root / "home"

    @property
    def global_config_dir(self) -> Path:
        return self.root / "etc-xdg"

    @property
    def site_packages(self) -> Path:
        version = f"python{sys.version_info.major}.{sys.version_info.minor}"
        return self.python / "lib" / version / "site-packages"

    @classmethod
    def blank(cls, root: Path, pinned_pip: Path) -> Sandbox:
        """Everything that doesn't depend on the recipe: folders, HOME, the Python environment."""
        box = cls(root)
        for folder in ("repository", "inputs", "outputs", "config", "tmp", "home/.config", "home/.cache", "etc-xdg/pip", "etc-xdg/uv"):
            (root / folder).mkdir(parents=True, exist_ok=True)
        box._create_python(pinned_pip)
        return box

    def fill(self, recipe_folder: Path, files: list[Path], public_index: str) -> Sandbox:
        """Copy ``files`` (the recipe's own, not the harness's) as the repository; name pip's default index."""
        for file in files:
            target = self.repository / file.relative_to(recipe_folder)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(file, target)
        # pip's global file and uv's system file: the image's defaults, below anything a step sets
        (self.global_config_dir / "pip" / "pip.conf").write_text(f"[global]\nindex-url = {public_index}\n")
        (self.global_config_dir / "uv" / "uv.toml").write_text(f'[[index]]\nurl = "{public_index}"\ndefault = true\n')
        return self

    def _create_python(self, pinned_pip: Path) -> None:
        _ImageLikeEnvBuilder(symlinks=True, with_pip=False).create(self.python)
        (self.site_packages / "_pinned_pip.pth").write_text(f"{pinned_pip}\n")
        python = self.python / "bin" / "python"
        for name in ("pip", "pip3", f"pip3.{sys.version_info.minor}"):
            script = self.python / "bin" / name
            script.write_text(_PIP_SCRIPT.format(python=python))
            script.chmod(0o755)

    def image_environment(self, proxy: str, uv_dir: Path | None = None) -> dict[str, str]:
        """What the image and Valohai's runtime provide before any variable of the step.

        ``uv_dir``, for uv's images, holds the uv binary; uv is pointed at this
        sandbox's Python, which stands in for the image's system Python.
        """
        home = self.home
        uv = {"UV_PYTHON": str(self.python / "bin" / "python")} if uv_dir else {}
        return {
            "PATH": f"{self.python / 'bin'}:{uv_dir}:{_SYSTEM_PATH}" if uv_dir else f"{self.python / 'bin'}:{_SYSTEM_PATH}",
            **uv,
            "HOME": str(home),
            "XDG_CONFIG_HOME": str(home / ".config"),
            "XDG_CACHE_HOME": str(home / ".cache"),
            "XDG_DATA_HOME": str(home / ".local" / "share"),
            "XDG_CONFIG_DIRS": str(self.global_config_dir),
            "TMPDIR": str(self.root / "tmp"),
            "LANG": "C.UTF-8",
            "PYTHONUNBUFFERED": "1",  # keeps pip's stdout and stderr in order in one log
            "PIP_NO_INPUT": "1",
            "PIP_DISABLE_PIP_VERSION_CHECK": "1",
            **{name: proxy for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")},
            "NO_PROXY": "127.0.0.1,localhost,::1",
            "no_proxy": "127.0.0.1,localhost,::1",
        }

    def system_variables(self) -> dict[str, str]:
        """The ``VH_*`` variables Valohai sets, pointing into this sandbox."""
        return {
            "VH_REPOSITORY_DIR": str(self.repository),
            "VH_INPUTS_DIR": str(self.root / "inputs"),
            "VH_OUTPUTS_DIR": str(self.root / "outputs"),
            "VH_CONFIG_DIR": str(self.root / "config"),
            "VH_EXECUTION_ID": str(uuid.uuid4()),
            "VH_PROJECT_ID": "0192a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b",
        }


class SandboxPool:
    """Blank sandboxes made ahead of time in a background thread, each handed out once.

    Making one costs more than a short execution (a virtual environment and a
    score of folders on disk), so the next ones are ready before they are asked
    for; used ones are deleted in the background too. Nothing is ever reused.
    """

    def __init__(self, pinned_pip: Path, ready: int = 3):
        self.pinned_pip = pinned_pip
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
            root = Path(tempfile.mkdtemp(prefix="harness-sandbox-"))
            janitor.watch_path(str(root))
            box = Sandbox.blank(root, self.pinned_pip)
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
        shutil.rmtree(root, ignore_errors=True)
        janitor.forget_path(str(root))
