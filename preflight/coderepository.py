"""The code repository beside a valohai.yaml: the requirements files its commands name, and a grep of its code.

The user's code, not a package index's repository. A step may declare a
variable that only its Python code reads through ``os.environ``, which is what
``environment-variables`` is for, and its code may read the parameters from
``/valohai/config/parameters.json``; a grep is enough to know. A file linted
outside its repository has no code beside it, and the rules say so instead of
claiming that nothing reads what they can't see.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from preflight.dockerfiles import is_dockerfile

_CODE = {".py", ".ipynb", ".sh", ".bash", ".r", ".jl", ".js", ".ts", ".java", ".scala", ".go", ".rs", ".rb", ".pl",
         ".cfg", ".ini", ".toml", ".conf", ".env"}
_CODE_NAMES = {"Dockerfile", "Makefile", "Procfile"}
_SKIP_DIRS = {".git", ".hg", ".venv", "venv", "node_modules", "__pycache__", "site-packages", ".tox", ".mypy_cache"}
_MAX_FILES, _MAX_BYTES = 5000, 1_000_000  # keep a run on a large repository cheap


@dataclass
class CodeRepository:
    root: Path
    skip: tuple[str, ...] = ()  # names under the root that are not the repository's (the guide's harness files)
    _read: dict[str, bool] = field(default_factory=dict)

    def file(self, relative: str) -> Path | None:
        path = self.root / relative
        return path if path.is_file() else None

    @property
    def has_code(self) -> bool:
        """Whether there is code beside the file to read: none when the file was linted outside its repository."""
        return bool(self._texts)

    def mentions(self, pattern: re.Pattern) -> bool:
        return any(pattern.search(text) for text in self._texts)

    def reads(self, names: set[str]) -> set[str]:
        """Which of ``names`` appear as a word in the repository's code."""
        wanted = {n for n in names if n not in self._read}
        if wanted:
            pattern = re.compile(r"\b(" + "|".join(sorted(map(re.escape, wanted))) + r")\b")
            found: set[str] = set()
            for text in self._texts:
                found |= set(pattern.findall(text))
                if found == wanted:
                    break
            self._read |= {n: n in found for n in wanted}
        return {n for n in names if self._read[n]}

    @cached_property
    def dockerfiles(self) -> list[Path]:
        """The repository's Dockerfiles (``dockerfiles.NAMES``), where it has code to read."""
        found = []
        for folder, dirs, files in os.walk(self.root):
            dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS and not (folder == str(self.root) and d in self.skip))
            found += [Path(folder, name) for name in sorted(files) if is_dockerfile(Path(name))]
        return found

    @cached_property
    def _texts(self) -> list[str]:
        texts = []
        for folder, dirs, files in os.walk(self.root):
            dirs[:] = [d for d in dirs if d not in _SKIP_DIRS and not (folder == str(self.root) and d in self.skip)]
            for name in files:
                path = Path(folder, name)
                if (path.suffix.lower() in _CODE or name in _CODE_NAMES) and len(texts) < _MAX_FILES:
                    try:
                        if path.stat().st_size <= _MAX_BYTES:
                            texts.append(path.read_text(encoding="utf-8", errors="replace"))
                    except OSError:
                        continue
        return texts
