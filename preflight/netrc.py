"""A ~/.netrc still in place when the training command runs: it, and every package it imports, can read the token.

pip, uv and curl read a host's user and token from ~/.netrc. A step that writes
the file for its install and leaves it there hands the token to every later
command. The file says when: the file is written (``> ~/.netrc``, ``tee``,
``cp``), and a command that is neither a tool that reads it nor a shell builtin
runs before a ``rm`` of it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from preflight.findings import Finding
from preflight.shellwords import pip_calls, program, simple_commands, without_single_quotes
from preflight.step import StepContext

_NETRC = r"[\"']?(?:~|\$\{?HOME\}?|/root)/\.netrc\b"
_WRITES = re.compile(rf"(?:>>?|\btee\s+(?:-a\s+)?|\bcp\s+\S+\s+)\s*{_NETRC}")
_REMOVES = re.compile(rf"\b(?:rm|shred)\b[^;&|\n]*\s{_NETRC}")
# Programs the file is there for, and builtins that run no one's code.
_READERS = {"curl", "wget", "git", "twine", "poetry", "pdm", "hatch"}
_HARMLESS = {"set", "export", "unset", "cd", "umask", "chmod", "true", ":", "echo", "printf", "test", "[", "rm"}


def check(ctx: StepContext) -> Iterator[Finding]:
    written = None  # the item that wrote the file, while it is in place
    for n, command in enumerate(ctx.commands):
        visible = without_single_quotes(command)
        for words in simple_commands(command):
            text = " ".join(words)
            if written is None:
                if _WRITES.search(visible):
                    written = n
                    break
                continue
            if _REMOVES.search(text):
                written = None
                continue
            name = program(words)
            if name in _READERS or name in _HARMLESS or pip_calls(text):
                continue
            yield ctx.finding(
                "netrc-left-behind",
                f"~/.netrc, written here, is still in place when `{text}` runs: that command, and every package it "
                "imports, can read the token in it",
                "remove it as soon as the install is done: - rm ~/.netrc before that command",
                command=written, guide="netrc")
            return
