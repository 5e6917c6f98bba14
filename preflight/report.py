"""Findings as people and machines read them: text, JSON, and GitHub Actions annotations."""

from __future__ import annotations

import json
from collections import Counter

from preflight.errors import shown_path, without_credentials
from preflight.findings import Finding
from preflight.rules import Severity

FORMATS = ("text", "json", "github")
_GITHUB_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def render(findings: list[Finding], files: int, form: str) -> str:
    return {"text": _text, "json": _json, "github": _github}[form](findings, files)


def summary(findings: list[Finding], files: int) -> str:
    counts = Counter(f.severity for f in findings)
    parts = [f"{counts[s]} {s}{'s' * (counts[s] != 1)}" for s in sorted(Severity, reverse=True) if counts[s]]
    return f"{files} file{'s' * (files != 1)}: " + (", ".join(parts) if parts else "no findings")


def _text(findings: list[Finding], files: int) -> str:
    return "\n".join([*(str(f) for f in findings), summary(findings, files)])


def _json(findings: list[Finding], files: int) -> str:
    counts = Counter(str(f.severity) for f in findings)
    return json.dumps({
        "files": files,
        "counts": {str(s): counts[str(s)] for s in sorted(Severity, reverse=True)},
        "findings": [{
            "path": shown_path(f.path), "line": f.line, "severity": str(f.severity), "rule": f.rule,
            "step": f.step, "command": without_credentials(f.command) if f.command else None,
            "message": without_credentials(f.message), "fix": without_credentials(f.fix),
            "guide": f.guide or None, "reference": f.reference or None,
        } for f in findings],
    }, indent=2)


def _github(findings: list[Finding], files: int) -> str:
    """One workflow command per finding: GitHub shows it on the file's line in the pull request."""
    lines = []
    for f in findings:
        properties = f"file={_escape(shown_path(f.path), True)},line={f.line},title={_escape(f.rule, True)}"
        text = without_credentials(f"{f.where + ': ' if f.where else ''}{f.message} — {f.advice}")
        lines.append(f"::{_GITHUB_LEVEL[f.severity]} {properties}::{_escape(text)}")
    return "\n".join([*lines, summary(findings, files)])


def _escape(text: str, property_value: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if property_value else text
