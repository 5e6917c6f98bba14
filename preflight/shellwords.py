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
        for token in _tokens(_COMMENT.sub("", line)):
            if token in _SEPARATORS:
                commands.append(current)
                current = []
            else:
                current.append(token)
        commands.append(current)
        current = []
    return [c for c in commands if c]


def pip_calls(command: str) -> list[PipCall]:
    calls = []
    for words in simple_commands(command):
        while words and (_ASSIGNMENT.match(words[0]) or words[0] in _PREFIXES):
            words = words[1:]
        if not words:
            continue
        program = PurePosixPath(words[0]).name
        if re.fullmatch(r"pip[\d.]*", program):
            args, tool = words[1:], "pip"
        elif re.fullmatch(r"python[\d.]*", program) and words[1:3] == ["-m", "pip"]:
            args, tool = words[3:], "pip"
        elif program == "uv" and words[1:2] == ["pip"]:
            args, tool = words[2:], "uv"
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


def without_single_quotes(command: str) -> str:
    """``command`` with single-quoted text blanked (the shell expands nothing there), its lines kept in place."""
    return re.sub(r"'[^']*'", lambda m: re.sub(r"[^\n]", " ", m.group()), command)
