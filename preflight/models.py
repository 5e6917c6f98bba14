"""How the platform may run a step's ``command`` items: the execution models.

Valohai documents only part of it. Its step-command reference says an execution
is marked crashed "if the last command returns an error code other than 0",
and its own example repositories put ``- cmd &`` and ``- source …`` items in
steps, which work only if the items run as consecutive lines of one script,
and ``source`` only if that script's shell is bash-like. Valohai's local
emulators (valohai-local-run, minihai) join the items with `` && `` instead.
Which shell runs the script is not documented: Debian-based ``python`` and uv
images have dash as ``/bin/sh``, and bash.

Every scenario runs under every model; a recipe must be right under all of them.
The runner and the lint both take their scripts from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from valohai_yaml.commands import join_command


@dataclass(frozen=True)
class ExecutionModel:
    joining: Literal["lines", "and-chain"]
    shell: Literal["sh", "bash"]
    basis: str  # why the model is plausible

    @property
    def name(self) -> str:
        return f"{self.joining}+{self.shell}"

    @property
    def interpreter(self) -> str:
        return {"sh": "/bin/sh", "bash": "/bin/bash"}[self.shell]

    def script(self, commands: list[str]) -> str:
        """The items as this model runs them; a leading ``#!`` line stays a line (a comment to ``-c``)."""
        return join_command(commands, "\n" if self.joining == "lines" else " && ")

    def argv(self, script: str) -> list[str]:
        return [self.interpreter, "-c", script]

    def __str__(self) -> str:
        return self.name


LINES_BASH = ExecutionModel(
    "lines", "bash",
    "The model the evidence supports best: items are consecutive lines of one script without set -e, and "
    "the execution's status is the last line's (Valohai's step-command reference; its examples' `- cmd &` "
    "items), run by a bash-like shell (its output-metadata example's `- source .venv/bin/activate` works "
    "only there). The logs on the guide's pages come from this model.",
)
LINES_SH = ExecutionModel(
    "lines", "sh",
    "The same lines, run by /bin/sh, which is dash in Debian-based images: which shell the platform uses is "
    "not documented, so a recipe must not need bash.",
)
AND_CHAIN_SH = ExecutionModel(
    "and-chain", "sh",
    "Valohai's local emulators (valohai-local-run, minihai): items joined with ' && ' and run with /bin/sh -c, "
    "so the first failing item stops the rest.",
)

MODELS = (LINES_BASH, LINES_SH, AND_CHAIN_SH)
DEFAULT = LINES_BASH
BY_NAME = {model.name: model for model in MODELS}
