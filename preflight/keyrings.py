"""A keyring the step installs that can't do its job: pip never asks it, or its own install needs it.

pip asks a keyring only after a 401, and under ``--no-input`` (``PIP_NO_INPUT``)
only when ``--keyring-provider`` (``PIP_KEYRING_PROVIDER``) names one: its
default, ``auto``, stays silent. And a keyring installed from the index it is
meant to open gets that index's 401 before it exists.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from preflight.findings import Finding
from preflight.shellwords import PipCall, pip_calls
from preflight.step import StepContext

# keyring itself, its backends (keyrings.google-artifactregistry-auth, keyrings.alt) and Azure's artifacts-keyring.
_KEYRING_PACKAGE = re.compile(r"^(keyring|keyrings\.[\w.-]+|artifacts-keyring)(\W|$)", re.IGNORECASE)
_TRUE = re.compile(r"^(1|true|yes|on)$", re.IGNORECASE)
_STEP_INDEX = {"pip": ("PIP_INDEX_URL",), "uv": ("UV_DEFAULT_INDEX", "UV_INDEX_URL", "UV_INDEX")}
_OPTION = {"pip": "--index-url", "uv": "--default-index"}
_OWN_INDEX = ("--index-url", "-i", "--default-index", "--index", "--find-links", "-f", "--no-index")


def keyring_installs(ctx: StepContext) -> list[tuple[int, PipCall]]:
    """The step's installs of keyring packages (pip install, uv pip install, uv tool install), by item."""
    return [(n, call) for n, command in enumerate(ctx.commands) for call in pip_calls(command)
            if (call.subcommand == "install" or call.args[:2] == ["tool", "install"])
            and any(_KEYRING_PACKAGE.match(arg) for arg in _packages(call))]


def check(ctx: StepContext) -> Iterator[Finding]:
    installs = keyring_installs(ctx)
    if not installs:
        return
    yield from _behind_its_index(ctx, installs)
    yield from _not_asked(ctx, installs)


def _packages(call: PipCall) -> list[str]:
    args = call.args[1:] if call.args[:1] == ["tool"] else call.args
    return [arg for arg in args if not arg.startswith("-") and arg not in ("install", "pip")]


def _behind_its_index(ctx: StepContext, installs) -> Iterator[Finding]:
    for n, call in installs:
        names = [name for name in _STEP_INDEX[call.tool] if name in ctx.declared]
        if names and not call.values(*_OWN_INDEX) and not call.has("--no-index"):
            yield ctx.finding(
                "keyring-behind-its-index",
                f"this install reads {names[0]}, the index the keyring is meant to open: the index refuses it "
                "before the keyring is there to answer",
                f"don't declare {names[0]} for the step; name the private index only on the install that needs the "
                f"keyring ({_OPTION[call.tool]} \"$YOUR_INDEX_URL\"), so the keyring comes from PyPI",
                command=n, guide="keyring")


def _not_asked(ctx: StepContext, installs) -> Iterator[Finding]:
    """Under PIP_NO_INPUT (or --no-input), pip asks no keyring unless a provider is named."""
    if not any(call.tool == "pip" for _, call in installs):
        return
    provider = ctx.declared.get("PIP_KEYRING_PROVIDER")
    if provider is not None and (provider.default or "auto") != "auto":
        return
    calls = [(n, call) for n, command in enumerate(ctx.commands) for call in pip_calls(command) if call.tool == "pip"]
    if any(call.values("--keyring-provider") != ["auto"] and call.has("--keyring-provider") for _, call in calls):
        return
    no_input = ctx.declared.get("PIP_NO_INPUT")
    if no_input is not None and _TRUE.match((no_input.default or "").strip()):
        where = {"keys": (*ctx.variable_keys("PIP_NO_INPUT"), "default")}
    else:
        n = next((n for n, call in calls if call.has("--no-input")), None)
        if n is None:
            return
        where = {"command": n}
    yield ctx.finding(
        "keyring-not-asked",
        "under --no-input, pip's default keyring provider (auto) never asks the keyring this step installs: the "
        "private install gets a 401 and finds no version",
        "declare PIP_KEYRING_PROVIDER with default: import (pip 23.1 and newer)", guide="keyring", **where)
