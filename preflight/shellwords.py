"""Just enough shell reading for the rules: the simple commands of an item, and the pip calls among them.

Not a shell parser: shellcheck and the shells themselves judge syntax. This
splits at ``;``, ``&&``, ``||``, ``|``, ``&`` and newlines and reads words as
``shlex`` does, which is enough to find pip and its options.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import PurePosixPath

_SEPARATORS = {";", "&&", "||", "|", "&", "(", ")", ";;"}
_PREFIXES = {"sudo", "time", "exec", "command", "nohup", "env"}
_ASSIGNMENT = re.compile(r"^[A-Za-z_]\w*=")
_COMMENT = re.compile(r"(?:^|\s)#.*$")
_DUPLICATION = re.compile(r"(\d*[<>])&(\d+|-)")  # 2>&1: a redirection, not a background job
_UV_INSTALLS = {"sync", "add", "lock", "run", "tool"}  # uv commands that resolve packages from an index


@dataclass(frozen=True)
class PipCall:
    tool: str  # "pip" or "uv" (uv pip)
    subcommand: str
    args: list[str]

    def values(self, *names: str) -> list[str]:
        """Every value given to one of the options ``names``, written ``--opt v``, ``--opt=v`` or ``-iv``."""
        found, args = [], self.args
        for i, arg in enumerate(args):
            for name in names:
                if arg == name and i + 1 < len(args):
                    found.append(args[i + 1])
                elif name.startswith("--") and arg.startswith(name + "="):
                    found.append(arg[len(name) + 1:])
                elif len(name) == 2 and arg.startswith(name) and len(arg) > 2 and not arg.startswith("--"):
                    found.append(arg[2:])
        return found

    def has(self, *flags: str) -> bool:
        return any(arg in flags or arg.split("=", 1)[0] in flags for arg in self.args)


def simple_commands(command: str) -> list[list[str]]:
    commands, current = [], []
    for line in command.replace("\\\n", " ").splitlines():
        for token in _tokens(_DUPLICATION.sub(r"\1\2", _COMMENT.sub("", line))):
            if token in _SEPARATORS:
                commands.append(current)
                current = []
            else:
                current.append(token)
        commands.append(current)
        current = []
    return [c for c in commands if c]


def program(words: list[str]) -> str:
    """The program a simple command runs: its first word after variable assignments and sudo, time, env…"""
    return PurePosixPath(_command(words)[0]).name if _command(words) else ""


def _command(words: list[str]) -> list[str]:
    while words and (_ASSIGNMENT.match(words[0]) or words[0] in _PREFIXES):
        words = words[1:]
    return words


def pip_calls(command: str) -> list[PipCall]:
    """pip, python -m pip, uv pip, and the uv commands that install (uv sync, uv run, uvx…), with their arguments."""
    calls = []
    for words in map(_command, simple_commands(command)):
        name = program(words)
        if re.fullmatch(r"pip[\d.]*", name):
            args, tool = words[1:], "pip"
        elif re.fullmatch(r"python[\d.]*", name) and words[1:3] == ["-m", "pip"]:
            args, tool = words[3:], "pip"
        elif name == "uv" and words[1:2] == ["pip"]:
            args, tool = words[2:], "uv"
        elif name == "uv" and set(words[1:2]) & _UV_INSTALLS or name == "uvx":
            args, tool = (words[1:] if name == "uv" else ["tool", "run", *words[1:]]), "uv"
        else:
            continue
        subcommand = next((a for a in args if not a.startswith("-")), "")
        calls.append(PipCall(tool, subcommand, args))
    return calls


def _tokens(line: str) -> list[str]:
    lexer = shlex.shlex(line, posix=True, punctuation_chars=";&|()")
    lexer.commenters = ""
    lexer.whitespace_split = True
    try:
        return list(lexer)
    except ValueError:  # unbalanced quotes: shellcheck reports those; read the words roughly
        return line.split()


def without_quotes(command: str) -> str:
    """``command`` with quoted text blanked (single and double quotes), its lines kept in place."""
    return re.sub(r"'[^']*'|\"(?:[^\"\\]|\\.)*\"", lambda m: re.sub(r"[^\n]", " ", m.group()), command)


def without_single_quotes(command: str) -> str:
    """``command`` with single-quoted text blanked (the shell expands nothing there), its lines kept in place."""
    return re.sub(r"'[^']*'", lambda m: re.sub(r"[^\n]", " ", m.group()), command)
