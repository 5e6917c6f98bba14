"""When one execution shows what another would do: the ``and-chain+sh`` run derived from the ``lines+sh`` one.

Under ``lines+sh`` a step's items are lines of one /bin/sh script; under
``and-chain+sh`` the same shell runs them joined with `` && ``. When every item but
the last exited 0 under ``lines+sh``, and the joined script parses into the same
commands, the and-chain run would run the same commands, in the same order, in the
same shell, and end as the last item does: its result is the lines run's, and it
is not made again. The lines run shows its items' statuses by writing them to a
file beside the sandbox after each item, which changes nothing it prints. A run
whose statuses don't show it, or whose script could parse otherwise, is made.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from preflight.models import AND_CHAIN_SH, LINES_SH, ExecutionModel

_TRACING = re.compile(r"\bset\s+(-\w*[xv]|-o\s+(xtrace|verbose))\b")  # prints each command: the recording too
_ENDS = ("&", ";", "|", "\\")  # joined with " && ", an item ending so parses otherwise


def why_not(commands: list[str]) -> str | None:
    """Why a joined script might not run the same commands as the lines, or the recording might show; None if
    nothing does."""
    for n, item in enumerate(commands, 1):
        stripped = item.strip()
        if "\n" in stripped:
            return f"item {n} spans lines"
        if stripped.startswith("#"):
            return f"item {n} is a comment, which would swallow the rest of the joined line"
        if stripped.endswith(_ENDS):
            return f"item {n} ends with {stripped[-1]!r}, so the joined script parses otherwise"
        if "<<" in stripped:
            return f"item {n} has a here-document"
        if "$?" in stripped:
            return f"item {n} reads the status of the item before it"
        if _TRACING.search(stripped):
            return f"item {n} traces commands, which would print the recording"
    return None


def recording(model: ExecutionModel, commands: list[str], statuses: Path) -> str:
    """The ``lines+sh`` script of ``commands``, each item but the last followed by a line that appends its status to
    ``statuses``."""
    record = f"printf '%s\\n' \"$?\" >> {shlex.quote(str(statuses))}"
    body = [line for item in commands[:-1] for line in (item, record)] + commands[-1:]
    return model.script(body)


def shown(commands: list[str], statuses: Path) -> str | None:
    """Why the recorded statuses show the and-chain run; None when they don't (it must be made)."""
    recorded = statuses.read_text().split() if statuses.is_file() else []
    expected = len(commands) - 1
    if len(recorded) < expected:
        return None  # the script stopped early (set -e, exit): the chain would have too, but differently
    if any(status != "0" for status in recorded[:expected]):
        return None
    return (f"every item but the last exited 0 under {LINES_SH}, and the items join into the same commands, so "
            f"{AND_CHAIN_SH} runs the same commands in the same shell")
