"""The items as a script: valid the way the platform runs them, and a status that means something.

``preflight.models`` knows the ways a step's items may run; this asks each
shell to parse each model's script (``sh -n``), so nothing runs. A script that
doesn't parse runs nothing at all; one that breaks only when joined with
`` && `` breaks only in Valohai's local emulators, which is worth knowing but
not a failure on the platform.
"""

from __future__ import annotations

import functools
import re
import subprocess
from collections.abc import Iterator

from preflight.findings import Finding
from preflight.models import MODELS, ExecutionModel
from preflight.rules import Severity
from preflight.shellwords import program, simple_commands
from preflight.step import StepContext

_CANNOT_FAIL = {"echo", "printf", "true", ":"}
_DECLARATIONS = {"export", "readonly", "declare", "local", "typeset"}  # builtins whose status hides an assignment's
_SUBSTITUTED = re.compile(r"^(?P<name>[A-Za-z_]\w*)=.*(?:\$\(|`)")
_SET_E = re.compile(r"^\s*set\s+(-[a-z]*e|-o\s+errexit)", re.MULTILINE)
_BARE_SHELL_C = re.compile(r"^(?:\S*/)?(?:ba|da|z)?sh(?:\s+-[A-Za-z]+)*\s+-[A-Za-z]*c$")
_OPEN_END = re.compile(r"((?<!&)&|\bthen|\bdo|\belse|\{|\||&&|\bin)\s*$")  # an item after which `&&` is an error
_CLOSING = re.compile(r"^\s*(fi|done|else|elif|esac|then|do|\})\b")  # an item `&&` can't come before
_UNCLOSED = re.compile(r"unexpected EOF while looking for matching `(?P<quote>[\"'`])'")
_QUOTE_FIX = {'"': 'write a " inside the text as \\"',
              "'": "write a ' inside the text within \"…\" instead",
              "`": "or write $(…) instead of backquotes"}
_COMPLETE_FIX = "keep each item a complete command: an if … fi or for … done in one item, no item ending in && or |"
_POSIX_FIX = ("write the item in POSIX sh (a temporary file instead of <(…), [ ] instead of [[ ]]), or put the "
              "script in a file and run it with - bash script.sh")
_EMULATOR_FIX = ("if you run the step with the local emulators too, put a background job and what follows it in one "
                 "item (- nohup cmd > log 2>&1 & next) and an if … fi in one item")


def check(ctx: StepContext) -> Iterator[Finding]:
    yield from _models(ctx)
    yield from _bare_shell_c(ctx)
    yield from _status(ctx)
    yield from _export_masks(ctx)


@functools.lru_cache(maxsize=64)
def parse_failures(commands: tuple[str, ...]) -> tuple[tuple[ExecutionModel, str], ...]:
    """The models whose script doesn't parse, each with the shell's last line of error.

    The shells run side by side, and a script two models share is parsed once.
    """
    running: dict[tuple[str, str], subprocess.Popen] = {}
    for model in MODELS:
        key = (model.interpreter, model.script(list(commands)))
        if key not in running:
            running[key] = subprocess.Popen([key[0], "-n", "-c", key[1]], stdin=subprocess.DEVNULL,
                                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    errors = {key: (process.communicate(timeout=30)[1].strip(), process.returncode)
              for key, process in running.items()}
    failed = []
    for model in MODELS:
        error, status = errors[(model.interpreter, model.script(list(commands)))]
        if status != 0:
            failed.append((model, error.splitlines()[-1] if error else "syntax error"))
    return tuple(failed)


def dash_rejects(commands: tuple[str, ...]) -> int | None:
    """The item at which /bin/sh (dash), running the items as lines, can't parse the script, or None."""
    for model, error in parse_failures(commands):
        if model.joining == "lines" and model.shell == "sh":
            return item_of_error(error, list(commands), model)
    return None


def _models(ctx: StepContext) -> Iterator[Finding]:
    """One finding per item the shells stop at, naming every model it breaks; a quote left open is one finding.

    A quote left open breaks every model at once and the shells blame a later
    item, so it is reported on the item that opens it, with a fix that names the quote.
    """
    commands = tuple(ctx.commands)
    failed = parse_failures(commands)
    if not failed:
        return
    on_platform = any(model.joining == "lines" for model, _ in failed)
    if open_quote := unclosed_quote(commands):
        n, quote = open_quote
        model, error = failed[0]
        yield ctx.finding(
            "breaks-under-model",
            f"the {quote} opened in this item isn't closed in it, so the shell reads the rest of the script as one string "
            f"and stops with a syntax error: no item from here on runs (under {model}: {error})",
            f"close the {quote} in this item: each item must be a complete command ({_QUOTE_FIX[quote]})",
            command=n, severity=Severity.ERROR if on_platform else Severity.INFO, guide="command-items",
        )
        return
    by_item: dict[int, list[tuple[ExecutionModel, str]]] = {}
    stopped = {model.shell for model, _ in failed if model.joining == "lines"}
    for model, error in failed:
        if model.joining != "lines" and model.shell in stopped:
            continue  # the same shell stops on the lines too: joining them adds no cause of its own
        by_item.setdefault(item_of_error(error, list(commands), model), []).append((model, error))
    for n, broken in by_item.items():
        lines = [(model, error) for model, error in broken if model.joining == "lines"]
        if lines:
            names = " and ".join(str(model) for model, _ in lines)
            dash_only = all(model.shell == "sh" for model, _ in lines) and len(lines) < sum(
                m.joining == "lines" for m in MODELS)
            yield ctx.finding(
                "breaks-under-model",
                f"under {names} the shell stops at this item with a syntax error ({lines[0][1]}): it and the items "
                "after it never run, and the execution fails"
                + ("; dash, /bin/sh in Debian-based images, lacks this bash syntax" if dash_only else ""),
                _POSIX_FIX if dash_only else _COMPLETE_FIX, command=n, guide="command-items")
        else:
            yield ctx.finding(
                "breaks-under-model",
                f"joined with ' && ', as Valohai's local emulators (valohai-local-run, minihai) run the items, they are "
                f"not a valid script ({broken[0][1]}); the platform runs them as lines, where they are",
                _EMULATOR_FIX, command=n, severity=Severity.INFO, guide="command-items")


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
                command=n, guide="command-items",
            )


def _status(ctx: StepContext) -> Iterator[Finding]:
    """Valohai marks an execution crashed only when its last item fails: an echo after pip hides pip's failure.

    Only an item that can fail can be hidden: a step of echo, true and comments has nothing to mask.
    """
    commands = [c for c in ctx.commands if c.strip() and not c.startswith("#!")]
    if len(commands) < 2 or any(_SET_E.search(c) for c in commands):
        return
    last = [program(words) for words in simple_commands(commands[-1])]
    if (last and all(p in _CANNOT_FAIL for p in last) and "&&" not in commands[-1] and "||" not in commands[-1]
            and any(_can_fail(c) for c in commands[:-1])):
        yield ctx.finding(
            "status-masked",
            f"the last item ({last[0]}) always succeeds, so on Valohai the execution succeeds even "
            "when an earlier item failed",
            f"make it depend on what it reports: - previous-command && {commands[-1].strip()}; or make - set -e the "
            "first item",
            command=len(ctx.commands) - 1, guide="set-e",
        )


def _export_masks(ctx: StepContext) -> Iterator[Finding]:
    """``export NAME="$(cmd)"``: the item's status is export's, 0, whatever cmd returned (SC2155)."""
    for n, command in enumerate(ctx.commands):
        for words in simple_commands(command):
            if program(words) not in _DECLARATIONS:
                continue
            for word in words[1:]:
                if (match := _SUBSTITUTED.match(word)) is not None:
                    name = match["name"]
                    yield ctx.finding(
                        "export-masks-failure",
                        f"{words[0]} {name}=\"$(…)\" exits 0 even when the command inside fails, so set -e doesn't "
                        f"stop the step there: what follows runs with an empty {name}",
                        f"assign first, then export: {name}=\"$(…)\" as one item and export {name} as the next",
                        command=n, guide="export-masks-failure", reference="shellcheck SC2155")


def _can_fail(command: str) -> bool:
    return any(program(words) not in _CANNOT_FAIL for words in simple_commands(command))


def item_of_error(error: str, commands: list[str], model: ExecutionModel) -> int:
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
