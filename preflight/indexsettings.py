"""Which index each install really uses: the settings a step gives and the ones each tool reads.

pip's command line beats its ``PIP_*`` variables, which beat its configuration
files; uv reads none of pip's settings. So ``--index-url`` on a pip command
drops the ``PIP_INDEX_URL`` the step gets, and a uv command in a step whose only
index setting is pip's installs from PyPI. An index URL's default without the
token is what an execution without the secret installs from.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
import tomllib
from urllib.parse import urlsplit

from preflight.findings import Finding
from preflight.keyrings import keyring_installs
from preflight.pip import INDEX_VARIABLES
from preflight.rules import Severity
from preflight.secretnames import USERINFO
from preflight.shellwords import PipCall, pip_calls
from preflight.step import StepContext
from preflight.variables import names_a_variable

_UV_VARIABLES = ("UV_DEFAULT_INDEX", "UV_INDEX", "UV_INDEX_URL", "UV_EXTRA_INDEX_URL")
_PIP_VARIABLES = ("PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL")
_PIP_CONFIG_INDEX = re.compile(r"\bpip[\d.]*(?:\s+-\S+)*\s+config\s+(?:-\S+\s+)*set\s+\S*index-url\b")
_INDEX_OPTIONS = ("--index-url", "-i", "--extra-index-url", "--default-index", "--index", "--find-links", "-f")
_UV_RESOLVES = {"install", "sync", "compile", "add", "lock", "tool"}  # uv run resolves only what --with adds
_PYTORCH_HOST = "download.pytorch.org"  # PyTorch's wheel indexes: /whl/cpu, /whl/cu118, …
_UV_CREDENTIAL = re.compile(r"^UV_INDEX_(?P<name>[A-Z0-9_]+)_(?:USERNAME|PASSWORD)$")
_SAME_VARIABLE = re.compile(r"^\$\{?PIP_INDEX_URL\}?$")
# Hosts and paths of indexes that need a login: Artifactory, CodeArtifact, Artifact Registry, Azure Artifacts,
# GitLab, Nexus, Gemfury, Cloudsmith, packagecloud.
_PRIVATE_INDEX = re.compile(r"\.jfrog\.io|/artifactory/|\.codeartifact\.|-python\.pkg\.dev|pkgs\.dev\.azure\.com|"
                            r"/packages/pypi|/repository/[^/]+/simple|fury\.io|cloudsmith\.io|packagecloud\.io",
                            re.IGNORECASE)


def check(ctx: StepContext) -> Iterator[Finding]:
    yield from _defaults_without_credentials(ctx)
    for n, command in enumerate(ctx.commands):
        for call in pip_calls(command):
            if call.tool == "pip" and call.subcommand in ("install", "download", "wheel"):
                yield from _option_overrides_variable(ctx, n, call)
    yield from _uv_without_an_index(ctx)
    yield from _credentials_for_no_index(ctx)


def _defaults_without_credentials(ctx: StepContext) -> Iterator[Finding]:
    credentials_apart = any(name.startswith("UV_INDEX_") and name.endswith(("_USERNAME", "_PASSWORD"))
                            for name in ctx.declared) or any("netrc" in command for command in ctx.commands) \
        or bool(keyring_installs(ctx))
    for name, var in ctx.declared.items():
        default = (var.default or "").strip()
        url = default.split("=", 1)[1] if re.match(r"^[\w-]+=\w+://", default) else default  # UV_INDEX: name=url
        if (not INDEX_VARIABLES.match(name) or not _PRIVATE_INDEX.search(url) or USERINFO.search(url)
                or names_a_variable(url) or credentials_apart):
            continue
        host = urlsplit(url).hostname or url
        yield ctx.finding(
            "index-url-without-credentials",
            f"the default of {name} is {host}'s index URL without credentials: an execution that gets no secret "
            "value installs from it without a token, and the index answers 401"
            + ("" if name.startswith("UV_") else ", so pip asks for a user name and stops with EOFError"),
            "remove the default and declare it with optional: false; keep the URL with its token in a secret "
            "project variable or variable group", keys=(*ctx.variable_keys(name), "default"),
            guide="declare-the-variable")


def _option_overrides_variable(ctx: StepContext, n: int, call: PipCall) -> Iterator[Finding]:
    """``--index-url`` beats ``PIP_INDEX_URL``: certain when the step declares it, possible with a variable group
    (where only a URL written out is reported: a variable is likely the group's own index URL)."""
    declared = "PIP_INDEX_URL" in ctx.declared
    if not declared and not ctx.step.environment_variable_groups:
        return
    for url in call.values("--index-url", "-i"):
        if _SAME_VARIABLE.match(url) or (not declared and url.startswith("$")):
            continue  # the same value, or (beside a group) a variable the group supplies: a private index either way
        gets = "the step gets" if declared else "the step's variable group may supply"
        pytorch = urlsplit(url).hostname == _PYTORCH_HOST
        yield ctx.finding(
            "index-url-overrides-variable",
            f"--index-url {url} replaces PIP_INDEX_URL, which {gets}, for this command (pip's command line beats "
            "its variables): this install doesn't use the private index",
            "drop --index-url and let PIP_INDEX_URL choose the index; "
            + ("add PyTorch's index to your virtual repository as a remote, or install with uv and "
               "--index pytorch=<this URL>" if pytorch else
               "for public packages the private index doesn't serve, put PyPI behind it (a virtual repository) "
               "instead"),
            command=n, severity=Severity.WARNING if declared else Severity.INFO,
            guide="pytorch" if pytorch else "index-url")


def _uv_without_an_index(ctx: StepContext) -> Iterator[Finding]:
    """The first uv install in a step whose index settings are all pip's: one finding for the step's one cause."""
    settings = [name for name in _PIP_VARIABLES if name in ctx.declared]
    settings += ["pip config set"] if any(_PIP_CONFIG_INDEX.search(c) for c in ctx.commands) else []
    if not settings or any(name in ctx.declared for name in _UV_VARIABLES) or _uv_configured(ctx):
        return
    calls = [(n, call) for n, command in enumerate(ctx.commands) for call in pip_calls(command)]
    uv = [(n, call) for n, call in calls if call.tool == "uv" and _resolves(call) and not call.values(*_INDEX_OPTIONS)
          and not any(_names_an_index(ctx, name) for name in call.values("-r", "--requirement"))]
    if not uv:
        return
    pip_too = any(call.tool == "pip" and call.subcommand in ("install", "download", "wheel") for _, call in calls)
    unsure = pip_too or bool(ctx.step.environment_variable_groups)
    n, _ = uv[0]
    yield ctx.finding(
        "uv-ignores-pip-variables",
        f"uv doesn't read {' or '.join(settings)}, and the step gives uv no index of its own: this command installs "
        "from PyPI, where the private packages are missing and anyone can publish their names"
        + (" (unless a variable group supplies UV_DEFAULT_INDEX)" if ctx.step.environment_variable_groups else ""),
        "name the secret UV_DEFAULT_INDEX, uv's PIP_INDEX_URL, or pass it to uv: --default-index \"$PIP_INDEX_URL\"",
        command=n, severity=Severity.WARNING if unsure else Severity.ERROR, guide="uv")


def _names_an_index(ctx: StepContext, requirements: str) -> bool:
    """A requirements file with an --index-url line: uv reads that one."""
    path = ctx.code.file(requirements)
    return path is not None and bool(re.search(r"^\s*(-i|--(extra-)?index-url)\b", path.read_text(
        encoding="utf-8", errors="replace"), re.MULTILINE))


def _resolves(call: PipCall) -> bool:
    return call.subcommand in _UV_RESOLVES or (call.subcommand == "run" and call.has("--with"))


def _uv_configured(ctx: StepContext) -> bool:
    """uv's own index settings in the repository: uv.toml, or [[tool.uv.index]] in pyproject.toml."""
    for name in ("uv.toml", "pyproject.toml"):
        path = ctx.code.file(name)
        if path is not None and re.search(r"^\s*(\[\[tool\.uv\.index\]\]|\[\[index\]\]|(extra-)?index-url\s*=)",
                                          path.read_text(encoding="utf-8", errors="replace"), re.MULTILINE):
            return True
    return False


def _credentials_for_no_index(ctx: StepContext) -> Iterator[Finding]:
    """``UV_INDEX_<NAME>_USERNAME``/``_PASSWORD`` whose name no index of the step has: uv sends them nowhere.

    Reported only when every index name is in view: in pyproject.toml, uv.toml or a command's ``--index name=url``,
    with no ``UV_INDEX``/``UV_DEFAULT_INDEX`` value or variable group that could name another.
    """
    credentials = {name: match["name"] for name in ctx.declared if (match := _UV_CREDENTIAL.match(name))}
    if not credentials or ctx.step.environment_variable_groups or any(v in ctx.declared for v in _UV_VARIABLES):
        return
    named = _uv_index_names(ctx)
    if not named:
        return
    known = sorted({_credential_name(name) for name in named})
    unmatched: dict[str, list[str]] = {}
    for variable, name in credentials.items():
        if name not in known:
            unmatched.setdefault(name, []).append(variable)
    for name, variables in unmatched.items():
        renamed = " and ".join(f"UV_INDEX_{k}_{v.rsplit('_', 1)[1]}" for k in known for v in variables)
        yield ctx.finding(
            "uv-index-credentials-unmatched",
            f"{' and '.join(variables)} {'are' if len(variables) > 1 else 'is'} for an index named {name.lower()}, "
            f"but the step's indexes are named {', '.join(sorted(named))}: uv sends these credentials to no index, "
            "and the index that needs them gets none",
            f"name them after the index (its name in capitals, other characters as _): {renamed}",
            keys=ctx.variable_keys(variables[0]), guide="uv-project")


def _uv_index_names(ctx: StepContext) -> set[str]:
    """Index names from pyproject.toml's [[tool.uv.index]], uv.toml's [[index]] and --index/--default-index name=url."""
    names = set()
    for file, table in (("pyproject.toml", ("tool", "uv", "index")), ("uv.toml", ("index",))):
        path = ctx.code.file(file)
        if path is None:
            continue
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8", errors="replace"))
        except tomllib.TOMLDecodeError:
            continue
        for key in table:
            data = data.get(key, {}) if isinstance(data, dict) else {}
        names |= {entry["name"] for entry in data if isinstance(entry, dict) and isinstance(entry.get("name"), str)} \
            if isinstance(data, list) else set()
    for command in ctx.commands:
        for call in pip_calls(command):
            if call.tool == "uv":
                names |= {value.split("=", 1)[0] for value in call.values("--index", "--default-index")
                          if re.match(r"^[\w.-]+=\w+://", value)}
    return names


def _credential_name(index: str) -> str:
    """uv's variable name for an index: upper case, every character but letters and digits as _."""
    return re.sub(r"[^A-Z0-9]", "_", index.upper())
