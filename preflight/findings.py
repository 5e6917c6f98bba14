"""A finding: where it is, how bad it is, what happens on Valohai, the one-line fix, and where to read more."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from preflight.errors import shown_path, without_credentials
from preflight.rules import Severity


@dataclass(frozen=True)
class Finding:
    path: Path
    line: int
    step: str | None  # None for findings about the file itself
    command: str | None
    rule: str
    severity: Severity
    message: str  # the cause and what it does on Valohai
    fix: str
    guide: str = ""  # the guide's page that explains it, where one does
    reference: str = ""  # the underlying tool's code (shellcheck SC2086), for reference only

    @property
    def where(self) -> str:
        step = f"step '{self.step}'" if self.step else ""
        command = f", command `{shorten(self.command)}`" if self.command else ""
        return step + command

    @property
    def advice(self) -> str:
        """The fix, then the guide's page and the tool's code: what every format prints after the message."""
        return (f"fix: {self.fix}" + (f" (see {self.guide})" if self.guide else "")
                + (f" [{self.reference}]" if self.reference else ""))

    def __str__(self) -> str:
        where = f" {self.where}:" if self.where else ""
        text = f"{shown_path(self.path)}:{self.line}: {self.severity} {self.rule}:{where} {self.message} — {self.advice}"
        return without_credentials(text)  # a message may quote the file; never its secrets


def shorten(command: str, width: int = 60) -> str:
    line = " ".join(command.split())
    return line if len(line) <= width else line[: width - 1] + "…"
