"""The lint of valohai.yaml: what the schema can't see, what fails on the platform, and what leaks secrets.

valohai-yaml checks the file's shape; the rules here check its meaning for
private indexes. One module per concern: ``document`` reads any file without a
traceback (``messages`` gives valohai-yaml's messages their fixes), ``step`` is a
step as every rule sees it, ``coderepository`` the user's code beside the file,
``secretnames`` which variables hold a secret; ``variables``, ``secrets``, ``pip``,
``placeholders``, ``items`` and ``shell`` hold the rules (``rules`` lists them
with their severities), ``suppress`` the inline ignores, ``report`` the output formats. The guide's
recipes are linted with ``STRICT``; ``harness.preflight`` is the command users run.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from harness.lint import document, items, pip, placeholders, secrets, shell, variables
from harness.lint.coderepository import CodeRepository
from harness.lint.findings import Finding
from harness.lint.rules import RULES, Severity
from harness.lint.shell import ShellcheckMissing
from harness.lint.step import StepContext
from harness.lint.suppress import unsuppressed

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
