"""Errors about bad input, worded for the contributor who has to fix it."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

_USERINFO = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]*://)(?P<user>[^/\s:@]*):\S+@", re.IGNORECASE)  # to the last @


def without_credentials(text: str) -> str:
    """``text`` with the password of every ``scheme://user:password@`` in it replaced by ``****``."""
    return _USERINFO.sub(lambda m: f"{m['scheme']}{m['user']}:****@", text)


def shown_path(path: Path) -> str:
    """``path`` relative to the working directory when it is inside it."""
    try:
        return os.path.relpath(path) if Path(path).resolve().is_relative_to(Path.cwd()) else str(path)
    except ValueError:
        return str(path)


@dataclass(frozen=True)
class Problem:
    path: Path
    line: int | None
    message: str
    hint: str | None = None  # what to do about it, where the mistake is one the guide knows

    def __str__(self) -> str:
        where = f"{shown_path(self.path)}:{self.line}" if self.line else shown_path(self.path)
        said = self.message + (f" — {self.hint}" if self.hint else "")
        return f"{where}: {without_credentials(said)}"  # a message may quote the file; never its secrets


class RecipeError(Exception):
    """A recipe, scenario or valohai.yaml that can't be run as it stands."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))

    @classmethod
    def at(cls, path: Path, line: int | None, message: str, hint: str | None = None) -> RecipeError:
        return cls([Problem(path, line, message, hint)])
