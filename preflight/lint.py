"""lint_file: every finding in one valohai.yaml, as ``Options`` asks for them.

The guide's recipes are linted with ``STRICT``; ``preflight.cli`` is the command users run.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from preflight import document, items, pip, placeholders, secrets, shell, variables
from preflight.coderepository import CodeRepository
from preflight.findings import Finding
from preflight.rules import RULES, Severity
from preflight.shell import ShellcheckMissing
from preflight.step import StepContext
from preflight.suppress import unsuppressed

__all__ = ["RULES", "STRICT", "Finding", "Options", "Severity", "ShellcheckMissing", "lint_file"]

_CHECKS = (variables.check, secrets.check, pip.check, placeholders.check, items.check)


@dataclass(frozen=True)
class Options:
    severity: Severity = Severity.WARNING  # the least severe finding reported
    shellcheck: str = "error"  # the least severe shellcheck comment asked for (error, warning, info, style)
    enable: frozenset[str] = frozenset()  # only these rules, when given
    disable: frozenset[str] = frozenset()
    skip: tuple[str, ...] = ()  # top-level names in the repository that are not its code

    def reports(self, finding: Finding) -> bool:
        return (finding.severity >= self.severity and finding.rule not in self.disable
                and (not self.enable or finding.rule in self.enable))


# The guide's own recipes: every finding counts, down to shellcheck's style notes.
STRICT = Options(severity=Severity.INFO, shellcheck="style")


def lint_file(path: Path, options: Options = Options()) -> list[Finding]:
    """Every finding in ``path`` that ``options`` reports, in file order; never raises on a bad file."""
    doc = document.load(path)
    findings = list(doc.findings)
    code = CodeRepository(path.parent, options.skip)
    for index, step in doc.steps:
        ctx = StepContext(doc.source, index, step, code)
        for check in _CHECKS:
            findings += check(ctx)
        if Options(enable=options.enable, disable=options.disable).reports(_probe("not-posix-sh")):
            findings += shell.check(ctx, options.shellcheck)
    if doc.source is not None:
        findings = unsuppressed(findings, doc.source.text)
    return sorted((f for f in findings if options.reports(f)), key=lambda f: f.line)


def _probe(rule: str) -> Finding:
    return Finding(Path(), 1, None, None, rule, Severity.ERROR, "", "")
