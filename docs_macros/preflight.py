"""The preflight on its page: a real run on a sample repository, and the table of its rules."""

from __future__ import annotations

import contextlib
import io

import preflight.cli as command
from docs_macros.markdown import as_markdown, fence, file_block
from docs_macros.registry import ROOT, macro
from preflight.rules import RULES


@macro
def preflight_run(folder: str, *args: str) -> str:
    """A sample repository's valohai.yaml and what valohai-preflight prints for it, run as the page is built."""
    return render_preflight(folder, *args)


def render_preflight(folder: str, *args: str) -> str:
    path = ROOT / folder
    if not (path / "valohai.yaml").is_file():
        raise ValueError(f"{folder} has no valohai.yaml")
    with contextlib.chdir(path), contextlib.redirect_stdout(io.StringIO()) as out:
        status = command.main(list(args))
    shown = " ".join(["valohai-preflight", *args])
    output = fence("text", out.getvalue().rstrip("\n").splitlines(), title=f"$ {shown}  (exit status {status})")
    return file_block(path / "valohai.yaml", "valohai.yaml") + "\n\n" + output


@macro
def preflight_rules() -> str:
    rows = [f"| `{rule.name}` | {rule.severity} | {as_markdown(rule.summary)} |" for rule in RULES.values()]
    return "\n".join(["| Rule | Severity | What it finds |", "|---|---|---|", *rows])
