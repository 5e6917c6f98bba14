"""One step as every rule sees it: its items, its declared variables and secrets, and where each is in the file."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from functools import cached_property

import yaml
from valohai_yaml.commands import CommandInterpolationWarning
from valohai_yaml.objs import Step
from valohai_yaml.objs.environment_variable import EnvironmentVariable
from valohai_yaml.utils import listify

from preflight.coderepository import CodeRepository
from preflight.findings import Finding
from preflight.guide import link
from preflight.rules import RULES, Severity
from preflight.secretnames import holds_secret
from preflight.valohai import Places
from preflight.yamlsource import YamlSource


@dataclass
class StepContext:
    source: YamlSource
    index: int  # the step's item in the file
    step: Step
    code: CodeRepository  # the user's repository, read for requirements files and variable names

    @cached_property
    def commands(self) -> list[str]:
        """The items as valohai-yaml builds them: known placeholders filled in, ``$VAR`` left for the shell."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", CommandInterpolationWarning)
            return self.step.build_command({})

    @cached_property
    def raw_commands(self) -> list[str]:
        return [str(c) for c in listify(self.step.command)]

    @cached_property
    def declared(self) -> dict[str, EnvironmentVariable]:
        return dict(self.step.environment_variables)

    @cached_property
    def secrets(self) -> set[str]:
        return {name for name, var in self.declared.items() if holds_secret(name, var)}

    @property
    def may_hold_secrets(self) -> bool:
        """A declared secret, or a variable group whose values the file doesn't show."""
        return bool(self.secrets or self.step.environment_variable_groups)

    @cached_property
    def places(self) -> Places:
        return Places(self.source)

    @property
    def keys(self) -> tuple:
        """The step's place in the file."""
        return (self.index, "step")

    def finding(self, rule: str, message: str, fix: str, *, command: int | None = None, keys: tuple = (),
                severity: Severity | None = None, offset: int | None = None, guide: str = "",
                reference: str = "") -> Finding:
        """A finding at ``keys`` (under the step), or at item ``command``, ``offset`` lines into a ``|`` block;
        ``guide`` names the guide's page that explains it (``preflight.guide``)."""
        where = (*self.keys, *(self.command_keys(command) if command is not None else keys))
        line = self.source.line(*where) or 1
        node = self.source.node(*where)
        if offset is not None and isinstance(node, yaml.ScalarNode) and node.style == "|":
            line = node.start_mark.line + 2 + offset
        text = self.commands[command] if command is not None and command < len(self.commands) else None
        return Finding(self.source.path, line, self.step.name, text, rule, severity or RULES[rule].severity, message,
                       fix, link(guide) if guide else "", reference)

    def command_keys(self, n: int) -> tuple:
        return self.places.command(self.keys, n)

    def variable_keys(self, name: str) -> tuple:
        return self.places.variable(self.keys, name)

