"""A throw-away world for one execution: repository copy, Python environment, HOME.

Valohai starts every execution from a clean image. Here each one gets a fresh
virtual environment that reuses the pinned pip through a ``.pth`` file (a
fraction of the cost of ``python -m venv``), its own HOME and XDG folders, and a
*global* pip config naming the public index, so that ``pip config set`` (the
user file) still wins exactly as in a real image. Nothing is inherited from the
invoking shell: no ``PIP_*``, no ``UV_*``, no pip.conf, no proxy.
"""

from __future__ import annotations

import platform
import re
import shutil
import sys
import uuid
import venv
from dataclasses import dataclass
from pathlib import Path

_PYTHON_IMAGE = re.compile(r"^(docker\.io/)?(library/)?python:3(\.\d+)*([-.][\w.-]+)?$")
_SYSTEM_PATH = "/usr/bin:/bin"
_PIP_SCRIPT = "#!{python}\nimport sys\nfrom pip._internal.cli.main import main\nsys.exit(main())\n"


def emulation_of(image: str) -> str | None:
    """How the harness stands in for ``image``, or None when it can't."""
    if _PYTHON_IMAGE.match(image):
        return f"local Python {platform.python_version()}"
    return None


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
    def create(cls, root: Path, recipe_folder: Path, files: list[Path], pinned_pip: Path, public_index: str) -> Sandbox:
        """Copy ``files`` (the recipe's own, not the harness's) as the repository, and make the rest."""
        box = cls(root)
        box.repository.mkdir(parents=True)
        for file in files:
            target = box.repository / file.relative_to(recipe_folder)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(file, target)
        for folder in ("inputs", "outputs", "config", "tmp", "home/.config", "home/.cache"):
            (root / folder).mkdir(parents=True, exist_ok=True)
        box._create_python(pinned_pip)
        (box.global_config_dir / "pip").mkdir(parents=True)
        (box.global_config_dir / "pip" / "pip.conf").write_text(f"[global]\nindex-url = {public_index}\n")
        return box

    def _create_python(self, pinned_pip: Path) -> None:
        venv.EnvBuilder(symlinks=True, with_pip=False).create(self.python)
        (self.site_packages / "_pinned_pip.pth").write_text(f"{pinned_pip}\n")
        python = self.python / "bin" / "python"
        for name in ("pip", "pip3", f"pip3.{sys.version_info.minor}"):
            script = self.python / "bin" / name
            script.write_text(_PIP_SCRIPT.format(python=python))
            script.chmod(0o755)

    def image_environment(self, proxy: str) -> dict[str, str]:
        """What the image and Valohai's runtime provide before any variable of the step."""
        home = self.home
        return {
            "PATH": f"{self.python / 'bin'}:{_SYSTEM_PATH}",
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
