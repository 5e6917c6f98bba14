"""Inline suppression: ``# preflight: ignore[rule, …]`` on the finding's line or on the line above it."""

from __future__ import annotations

import re

from preflight.findings import Finding

_IGNORE = re.compile(r"#\s*preflight:\s*ignore\[(?P<rules>[^\]]*)\]")


def ignored_rules(lines: list[str], line: int) -> set[str]:
    """The rules ignored at 1-based ``line``: by a comment on it, or on a line above it that is only a comment."""
    rules: set[str] = set()
    for number in (line, line - 1):
        if 1 <= number <= len(lines):
            text = lines[number - 1]
            if number == line - 1 and not text.lstrip().startswith("#"):
                continue
            for match in _IGNORE.finditer(text):
                rules |= {r.strip() for r in match["rules"].split(",") if r.strip()}
    return rules


def unsuppressed(findings: list[Finding], text: str) -> list[Finding]:
    lines = text.splitlines()
    return [f for f in findings if f.rule not in ignored_rules(lines, f.line)]
