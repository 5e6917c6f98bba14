"""The items as a script: valid under every way the platform may run them, and a status that means something.

``preflight.models`` knows the execution models; this asks each shell to parse
each model's script (``sh -n``), so nothing runs.
"""

from __future__ import annotations

import functools
import re
import shlex
import subprocess
from collections.abc import Iterator

from preflight.findings import Finding
from preflight.models import MODELS
from preflight.rules import Severity
from preflight.step import StepContext

_CANNOT_FAIL = {"echo", "printf", "true", ":"}
_SET_E = re.compile(r"^\s*set\s+(-[a-z]*e|-o\s+errexit)", re.MULTILINE)
_BARE_SHELL_C = re.compile(r"^(?:\S*/)?(?:ba|da|z)?sh(?:\s+-[A-Za-z]+)*\s+-[A-Za-z]*c$")
_OPEN_END = re.compile(r"((?<!&)&|\bthen|\bdo|\belse|\{|\||&&|\bin)\s*$")  # an item after which `&&` is an error
_CLOSING = re.compile(r"^\s*(fi|done|else|elif|esac|then|do|\})\b")  # an item `&&` can't come before
_UNCLOSED = re.compile(r"unexpected EOF while looking for matching `(?P<quote>[\"'`])'")
_QUOTE_FIX = {'"': 'write a " inside the text as \\"',
              "'": "write a ' inside the text within \"…\" instead",
              "`": "or write $(…) instead of backquotes"}
_MODEL_FIX = ("end no item with '&' and keep each item a complete command (an if … fi or for … done in one item); "
              "put a background job and what follows it in one item, e.g. - nohup cmd > log 2>&1 & next")


def check(ctx: StepContext) -> Iterator[Finding]:
    yield from _models(ctx)
    yield from _bare_shell_c(ctx)
    yield from _status(ctx)


def _models(ctx: StepContext) -> Iterator[Finding]:
    """Each model's script must at least parse: ``- cmd &`` is fine as a line, a syntax error after ``&&``.

    A quote left open breaks every model at once and the shells blame a later item,
    so it is one finding, on the item that opens it, with a fix that names the quote.
    """
    commands = list(ctx.commands)
    failed = []
    for model in MODELS:
        script = model.script(commands)
        result = subprocess.run([model.interpreter, "-n", "-c", script], check=False, capture_output=True, text=True, timeout=30)
        if result.returncode != 0:
            failed.append((model, result.stderr.strip().splitlines()[-1] if result.stderr.strip() else "syntax error"))
    if failed and (open_quote := unclosed_quote(tuple(commands))):
        n, quote = open_quote
        model, error = failed[0]
        yield ctx.finding(
            "breaks-under-model",
            f"the {quote} opened in this item isn't closed in it, so the shell reads the rest of the script as one string "
            f"and the script doesn't parse (under {model}: {error})",
            f"close the {quote} in this item: each item must be a complete command ({_QUOTE_FIX[quote]})",
            command=n, severity=Severity.ERROR if any(m.joining == "lines" for m, _ in failed) else Severity.WARNING,
        )
        return
    for model, error in failed:
        platform = model.joining == "lines"
        yield ctx.finding(
            "breaks-under-model",
            f"under {model} the items are not a valid script ({error})"
            + ("" if platform else "; the model Valohai's examples imply runs them, Valohai's local emulators don't"),
            _MODEL_FIX, command=_item_of_error(error, commands, model),
            severity=Severity.ERROR if platform else Severity.WARNING,
        )


@functools.lru_cache(maxsize=64)
def unclosed_quote(commands: tuple[str, ...]) -> tuple[int, str] | None:
    """The first item that leaves a quote open, read alone by bash (which names the quote), and that quote."""
    for n, command in enumerate(commands):
        if not any(q in command for q in _QUOTE_FIX):
            continue
        result = subprocess.run(["/bin/bash", "-n", "-c", command], check=False, capture_output=True, text=True,
                                timeout=30)
        if match := _UNCLOSED.search(result.stderr):
            return n, match["quote"]
    return None


def _bare_shell_c(ctx: StepContext) -> Iterator[Finding]:
    for n, command in enumerate(ctx.commands):
        if _BARE_SHELL_C.match(command.strip()):
            shell = command.split()[0]
            yield ctx.finding(
                "bare-shell-c",
                f"`{command.strip()}` is an item of its own: the items are lines of one script, so it runs with no "
                f"script and fails, and the next items run in /bin/sh, not {shell}",
                f"drop the item; the shell runs the next items itself (use only POSIX sh there), or write one item "
                f"{shell} -c '…' with the script quoted",
                command=n,
            )


def _status(ctx: StepContext) -> Iterator[Finding]:
    """Valohai marks an execution crashed only when its last item fails: an echo after pip hides pip's failure."""
    commands = [c for c in ctx.commands if c.strip() and not c.startswith("#!")]
    if len(commands) < 2 or any(_SET_E.search(c) for c in commands):
        return
    last = _words(commands[-1])
    if last and last[0] in _CANNOT_FAIL and "&&" not in commands[-1] and "||" not in commands[-1]:
        yield ctx.finding(
            "status-masked",
            f"the last item ({last[0]}) always succeeds, so on Valohai the execution succeeds even "
            "when an earlier item failed",
            f"make it depend on what it reports: - previous-command && {commands[-1].strip()}; or make - set -e the "
            "first item",
            command=len(ctx.commands) - 1,
        )


def _words(command: str) -> list[str]:
    try:
        return shlex.split(command, comments=True)
    except ValueError:
        return command.split()


def _item_of_error(error: str, commands: list[str], model) -> int:
    """The item a shell's syntax error points at: by the line it names, or the item that ends with ``&``."""
    if model.joining != "lines":  # one line: the shell can't say where; find the item that can't be followed by &&
        return next((n for n, c in enumerate(commands) if _OPEN_END.search(c) or _CLOSING.match(c)), len(commands) - 1)
    match = re.search(r"(?:line |: )(\d+):", error)
    if not match:
        return len(commands) - 1
    line, n = int(match[1]), 0
    for n, command in enumerate(commands):
        line -= command.count("\n") + 1
        if line <= 0:
            return n
    return n
