"""How pip and uv reach the index, and what the shell does to their arguments.

Plain http, --trusted-host, extra indexes without hashes; an unquoted ``$VAR``
in ``pip config set`` and an unquoted ``pkg>=1.2``, which the shell reads as a
redirection. Indexes come in four ways: options on the command, ``pip config
set``, ``PIP_*``/``UV_*`` variables, and option lines in a requirements file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from preflight.findings import Finding
from preflight.rules import Severity
from preflight.shellwords import PipCall, pip_calls, without_quotes
from preflight.step import StepContext

_INDEX_OPTIONS = ("--index-url", "-i", "--extra-index-url", "--default-index", "--index")
_EXTRA_OPTIONS = ("--extra-index-url", "--index")  # uv's --index adds an index too
INDEX_VARIABLES = re.compile(r"^(PIP_INDEX_URL|PIP_EXTRA_INDEX_URL|UV_INDEX_URL|UV_EXTRA_INDEX_URL|UV_DEFAULT_INDEX|"
                              r"UV_INDEX|.*INDEX_URL|.*PYPI_URL)$")
_LOOPBACK = {"localhost", "127.0.0.1", "::1"}
_UNQUOTED_CONFIG = re.compile(r"\bpip[\d.]*(?:\s+-\S+)*\s+config\s+(?:-\S+\s+)*set\s+(?P<key>\S+)\s+(?P<value>\$\{?\w+\}?)")
# pip install pkg>=1.2 with no quotes: the shell takes >=1.2 (or <2) as a redirection. A name starts with a letter,
# which keeps 2>&1 and >log out.
_INSTALLER = re.compile(r"^\s*(?:\w+=\S*\s+)*(?:sudo\s+)?(?:\S*/)?(?:pip[\d.]*|python[\d.]*\s+-m\s+pip|uv\s+pip|uv)\s+"
                        r"(?:\S+\s+)*?(?:install|add|download|wheel)\b")
_UNQUOTED_REQUIREMENT = re.compile(r"(?<![\w$/.=-])(?P<requirement>[A-Za-z][\w.-]*(?:\[[\w,.-]*\])?[<>][^\s;&|]*)")
_REQUIREMENT_LINE = re.compile(r"^\s*(?P<option>--(?:index-url|extra-index-url|trusted-host|hash))?[\s=]*(?P<rest>.*)$")

_HTTPS_FIX = "use the index's https:// URL"
_TRUSTED_FIX = "remove it and give pip the index's CA certificate instead (--cert or PIP_CERT)"
_UNQUOTED_FIX = 'quote each requirement: pip install "{0}"'
_CONFUSION_FIX = ("pin every package with --hash in a requirements file and install with --require-hashes; for "
                  "private packages, you can instead put them and PyPI behind one virtual repository and use "
                  "--index-url alone")


@dataclass
class _Requirements:
    path: Path
    lines: list[str]

    def options(self, option: str) -> list[tuple[int, str]]:
        found = []
        for number, line in enumerate(self.lines, 1):
            match = _REQUIREMENT_LINE.match(line.split(" #", 1)[0])
            if match and match["option"] == option:
                found.append((number, match["rest"].strip()))
        return found

    @property
    def hashed(self) -> bool:
        """Every requirement pins a hash (pip then checks all of them), and there is at least one."""
        requirements = [line for line in _logical_lines(self.lines) if line and not line.startswith("-")]
        return bool(requirements) and all("--hash" in line for line in requirements)


def check(ctx: StepContext) -> Iterator[Finding]:
    yield from _variables(ctx)
    confusion: Finding | None = None
    unpinned_installs = 0
    extra_from_config: Finding | None = None
    for n, command in enumerate(ctx.commands):
        if match := _UNQUOTED_CONFIG.search(command):
            yield ctx.finding("pip-config-unquoted", f"{match['value']} is unquoted, so the shell splits it at spaces "
                              "and expands * and ? in it before pip sees it",
                              f"quote it: pip config set {match['key']} \"{match['value']}\"", command=n,
                              guide="keep-out-of-repository")
        yield from _unquoted_requirements(ctx, n, command)
        for call in pip_calls(command):
            if call.subcommand == "config":
                found = _config(ctx, n, call)
                for finding in found:
                    if finding.rule == "dependency-confusion":
                        extra_from_config = extra_from_config or finding
                    else:
                        yield finding
            elif call.subcommand in ("install", "download", "wheel", "sync", "compile"):
                requirements = [r for value in call.values("-r", "--requirement", "-c", "--constraint")
                                if (r := _read(ctx, value))]
                yield from _install(ctx, n, call, requirements)
                pinned = call.has("--require-hashes") or (requirements and all(r.hashed for r in requirements)
                                                          and not _bare_packages(call))
                unpinned_installs += not pinned and call.tool == "pip"
                if not pinned and confusion is None and _extra_index(call, requirements):
                    confusion = ctx.finding("dependency-confusion", _confusion_message(call.tool), _CONFUSION_FIX,
                                            command=n, guide="dependency-confusion")
                elif not pinned and confusion is None and _links_beside_an_index(call):
                    confusion = ctx.finding("dependency-confusion", "pip reads the --find-links folder and an index "
                                            "(PyPI, unless one is set) too, and takes the highest version from either",
                                            "add --no-index, so pip installs from the folder alone", command=n,
                                            guide="wheelhouse")
    if confusion is None and unpinned_installs and "PIP_REQUIRE_HASHES" not in ctx.declared:
        if extra_from_config is not None:
            confusion = extra_from_config
        elif "PIP_EXTRA_INDEX_URL" in ctx.declared:
            confusion = ctx.finding("dependency-confusion", "PIP_EXTRA_INDEX_URL gives pip an extra index, and pip "
                                    "takes the highest version from any index", _CONFUSION_FIX,
                                    keys=ctx.variable_keys("PIP_EXTRA_INDEX_URL"), guide="dependency-confusion")
    if confusion is not None:
        yield confusion


def unquoted_config_value(command: str) -> bool:
    """Whether ``pip config set`` gets an unquoted ``$VAR`` in ``command`` (what shellcheck's SC2086 says again)."""
    return bool(_UNQUOTED_CONFIG.search(command))


def unquoted_requirements(command: str) -> list[str]:
    """The requirements with < or > that pip or uv gets unquoted in ``command``: the shell reads them as redirections."""
    found = []
    for line in without_quotes(command).splitlines():
        for part in re.split(r"&&|\|\||[;|&]", line):
            if _INSTALLER.match(part):
                found += [m["requirement"] for m in _UNQUOTED_REQUIREMENT.finditer(part)]
    return found


def _unquoted_requirements(ctx: StepContext, n: int, command: str) -> Iterator[Finding]:
    """One finding per item: ``<`` makes the command fail (no such file), ``>`` drops the version and pip's output."""
    requirements = unquoted_requirements(command)
    if not requirements:
        return
    listed = ", ".join(requirements)
    are = "is" if len(requirements) == 1 else "are"
    if reading := next((r for r in requirements if "<" in r), None):
        name = reading.split("<")[1].split(">")[0].lstrip("=")
        message = (f"{listed} {are} unquoted, so the shell reads < and > in {'it' if are == 'is' else 'them'} as "
                   f"redirections: it looks for a file named {name} to read, which isn't there, and the command fails "
                   "before it starts")
        severity = Severity.ERROR
    else:
        written = requirements[-1].split(">", 1)[1]
        message = (f"{listed} {are} unquoted, so the shell reads > as a redirection: "
                   f"{'the package installs' if are == 'is' else 'the packages install'} at any version, and the "
                   f"install's output goes to a file named {written} instead of the log")
        severity = Severity.WARNING
    yield ctx.finding("unquoted-requirement", message, _UNQUOTED_FIX.format(requirements[0]), command=n,
                      severity=severity, offset=command[: command.find(requirements[0])].count("\n"))


def _variables(ctx: StepContext) -> Iterator[Finding]:
    for name, var in ctx.declared.items():
        keys = ctx.variable_keys(name)
        if INDEX_VARIABLES.match(name) and var.default and _insecure(var.default):
            yield ctx.finding("insecure-index-url", f"the default of {name} is an http:// index URL",
                              _HTTPS_FIX, keys=(*keys, "default"))
        if name in ("PIP_TRUSTED_HOST", "UV_INSECURE_HOST"):
            yield ctx.finding("trusted-host", f"{name} turns off certificate checks for its hosts", _TRUSTED_FIX,
                              keys=keys, guide="certificates")


def _config(ctx: StepContext, n: int, call: PipCall) -> list[Finding]:
    words = [a for a in call.args if not a.startswith("-")]
    if len(words) < 4 or words[1] != "set":
        return []
    key, value = words[2], words[3]
    found = []
    if key.endswith(("index-url",)) and _insecure(value):
        found.append(ctx.finding("insecure-index-url", f"pip config set {key} gets an http:// URL", _HTTPS_FIX, command=n))
    if key.endswith("trusted-host"):
        found.append(ctx.finding("trusted-host", f"pip config set {key} turns off certificate checks for {value}",
                                 _TRUSTED_FIX, command=n, guide="certificates"))
    if key.endswith("extra-index-url"):
        found.append(ctx.finding("dependency-confusion", f"pip config set {key} gives every later pip install an "
                                 "extra index, and pip takes the highest version from any index", _CONFUSION_FIX,
                                 command=n, guide="dependency-confusion"))
    return found


def _install(ctx: StepContext, n: int, call: PipCall, requirements: list[_Requirements]) -> Iterator[Finding]:
    for url in call.values(*_INDEX_OPTIONS):
        if _insecure(url):
            yield ctx.finding("insecure-index-url", f"{call.tool} gets the http:// index {url}", _HTTPS_FIX, command=n)
    for host in call.values("--trusted-host", "--allow-insecure-host"):
        yield ctx.finding("trusted-host", f"{call.tool} skips certificate checks for {host}", _TRUSTED_FIX, command=n,
                          guide="certificates")
    for requirement in requirements:
        for option in ("--index-url", "--extra-index-url"):
            for number, url in requirement.options(option):
                if _insecure(url):
                    yield ctx.finding("insecure-index-url", f"{requirement.path.name} line {number} names the http:// "
                                      f"index {url}", _HTTPS_FIX, command=n)
        for number, host in requirement.options("--trusted-host"):
            yield ctx.finding("trusted-host", f"{requirement.path.name} line {number} skips certificate checks for "
                              f"{host}", _TRUSTED_FIX, command=n, guide="certificates")


def _extra_index(call: PipCall, requirements: list[_Requirements]) -> bool:
    if call.tool == "uv":  # uv takes each package from the first index that has it, unless told otherwise
        return bool(call.values(*_EXTRA_OPTIONS)) and any(v.startswith("unsafe") for v in call.values("--index-strategy"))
    return bool(call.values("--extra-index-url")) or any(r.options("--extra-index-url") for r in requirements)


def _links_beside_an_index(call: PipCall) -> bool:
    """A wheelhouse (--find-links) without --no-index: pip asks the index as well."""
    return call.tool == "pip" and call.subcommand == "install" and bool(call.values("--find-links", "-f")) \
        and not call.has("--no-index")


def _confusion_message(tool: str) -> str:
    if tool == "uv":
        return "uv pip gets an extra index with --index-strategy unsafe-…, so it takes the highest version from any index"
    return "pip gets an extra index without hash-pinned requirements, and takes the highest version from any index"


def _bare_packages(call: PipCall) -> bool:
    """Packages named on the command line: --require-hashes from the files doesn't cover them."""
    skip_next = {"-r", "--requirement", "-c", "--constraint", "-i", "--index-url", "--extra-index-url",
                 "--trusted-host", "-t", "--target", "--prefix", "--root", "-f", "--find-links", "--python"}
    words, skip = [], False
    for arg in call.args[1:]:
        if skip:
            skip = False
        elif arg in skip_next:
            skip = True
        elif not arg.startswith("-"):
            words.append(arg)
    return bool(words)


def _read(ctx: StepContext, relative: str) -> _Requirements | None:
    path = ctx.code.file(relative)
    if path is None:
        return None
    return _Requirements(path, path.read_text(encoding="utf-8", errors="replace").splitlines())


def _insecure(url: str) -> bool:
    if not url.lower().startswith("http://"):
        return False
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return True
    return host not in _LOOPBACK


def _logical_lines(lines: list[str]) -> list[str]:
    """Requirement lines with their ``\\`` continuations joined and comments dropped."""
    joined, current = [], ""
    for line in lines:
        code = re.sub(r"(^|\s)#.*$", "", line).rstrip()
        if code.endswith("\\"):
            current += code[:-1] + " "
            continue
        joined.append((current + code).strip())
        current = ""
    return joined
