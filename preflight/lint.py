"""lint_file: every finding in one valohai.yaml that ``Options`` asks for, each cause said once.

The guide's recipes are linted with ``options.STRICT``; ``preflight.cli`` is the command users run.
"""

from __future__ import annotations

from pathlib import Path

from preflight import (document, imagesecrets, indexsettings, items, keyrings, netrc, pip, placeholders, secrets,
                       shell, variables)
from preflight.coderepository import CodeRepository
from preflight.findings import Finding
from preflight.options import DEFAULT, Options
from preflight.step import StepContext
from preflight.suppress import unsuppressed

_CHECKS = (variables.check, secrets.check, pip.check, indexsettings.check, netrc.check, keyrings.check,
           placeholders.check, items.check)


def lint_file(path: Path, options: Options = DEFAULT) -> list[Finding]:
    """Every finding in ``path`` that ``options`` reports, in file order; never raises on a bad file."""
    doc = document.load(path)
    findings = list(doc.findings)
    code = CodeRepository(path.parent, options.skip)
    for index, step in doc.steps:
        ctx = StepContext(doc.source, index, step, code)
        for check in _CHECKS:
            findings += check(ctx)
        if options.reports("not-posix-sh"):
            findings += shell.check(ctx, options.shellcheck)
    if doc.source is not None:
        findings = unsuppressed(findings, doc.source.text)
    if options.reports(imagesecrets.RULE):
        findings += imagesecrets.check(code.dockerfiles)  # each Dockerfile's own comments silence its findings
    unique = dict.fromkeys(findings)  # shellcheck names one cause twice on a line where it appears twice
    return sorted((f for f in unique if options.reports(f.rule, f.severity)), key=lambda f: (f.path != path, str(f.path), f.line))
