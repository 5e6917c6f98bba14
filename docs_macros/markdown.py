"""Markdown pieces the macros return: fenced blocks, indentation, text shown as written."""

from __future__ import annotations

import html
import re
from pathlib import Path

LANGUAGES = {".yaml": "yaml", ".yml": "yaml", ".py": "python", ".txt": "text", ".toml": "toml", ".cfg": "ini"}


def fence(language: str, lines: list[str], **options: str) -> str:
    """A fenced block; options such as ``title`` go in superfences' brace-less form it understands."""
    shown = " ".join(f"{key}={_quoted(value)}" for key, value in options.items() if value)
    return "\n".join([f"```{language} {shown}".rstrip(), *lines, "```"])


def _quoted(value: str) -> str:
    """``value`` between the quotes it doesn't hold: superfences ends an option at its first closing quote."""
    quote = "'" if '"' in value else '"'
    if quote in value:
        raise ValueError(f"a code block's option can't hold both kinds of quotes: {value}")
    return f"{quote}{value}{quote}"


def code_block(lines: list[str], title: str, language: str, annotations: dict[str, str] | None = None,
               where: str = "") -> str:
    """``lines`` titled ``title``, with mkdocs-material code annotations on the lines they name."""
    lines = list(lines)
    notes = []
    for needle, note in (annotations or {}).items():
        at = next((i for i, line in enumerate(lines) if needle in line), None)
        if at is None:
            raise ValueError(f"annotation target {needle!r} is not in {where or title}")
        notes.append(note)
        lines[at] += f"  # ({len(notes)})!"
    block = fence(language, lines, title=title)
    if notes:
        block += "\n\n" + "\n".join(f"{n}.  {note}" for n, note in enumerate(notes, 1))
    return block


def file_block(path: Path, title: str, annotations: dict[str, str] | None = None, where: str = "") -> str:
    lines = path.read_text().rstrip("\n").splitlines()
    return code_block(lines, title, LANGUAGES.get(path.suffix, "text"), annotations, where)


def indent(text: str) -> str:
    """Four spaces more, for a block inside a tab or an admonition (where an unindented fence breaks the page)."""
    return "\n".join(f"    {line}" if line else "" for line in text.splitlines())


def as_markdown(text: str) -> str:
    """Plain text shown as written: <, > and & are not HTML, _ and * are not emphasis; `code` stays code."""
    parts = re.split(r"(`[^`]*`)", text)
    return "".join(
        part if part.startswith("`") else re.sub(r"([_*|])", r"\\\1", html.escape(part, quote=False))
        for part in parts
    )
