"""Run one scenario of one recipe: sandbox, variables, execution, verdicts, log."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

from harness import checks, execution, logs, valohai
from harness.checks import Verdict
from harness.errors import shown_path
from harness.execution import Completed
from harness.images import emulation_of
from harness.janitor import janitor
from harness.lab import PUBLIC_REPO, Lab, World
from harness.recipes import Recipe
from harness.roles import ROLES
from harness.sandbox import Sandbox


@dataclass
class ScenarioRun:
    recipe: Recipe
    name: str
    header: list[str]
    log: str  # secrets masked, addresses and paths as a real execution shows them
    completed: Completed
    verdicts: list[Verdict] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(v.passed for v in self.verdicts)

    def report(self) -> str:
        """Header, log and verdicts, the way a contributor reads them."""
        rule = "-" * 78
        lines = [rule, *self.header, rule, self.log.rstrip("\n"), rule]
        lines += [str(v) for v in self.verdicts]
        return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Prepared:
    """Everything an execution needs, made before its command starts."""

    box: Sandbox
    env: dict[str, str]
    script: str
    time_limit: float

    def execute(self) -> Completed:
        return execution.run(self.script, self.box.repository, self.env, self.time_limit, self.box.root)


def prepare(lab: Lab, recipe: Recipe, name: str) -> Prepared:
    """A fresh sandbox holding the recipe, and the variables its execution gets."""
    scenario = recipe.scenarios[name]
    world = lab.world(squatter=scenario.squatter_on_pypi)
    box = lab.sandboxes.take().fill(recipe.folder, recipe.files(), world.pypi.url(PUBLIC_REPO))
    env = execution_environment(recipe, name, world, box, lab.tripwire.url, lab.uv_dir)
    return Prepared(box, env, valohai.script(recipe.step(name)), scenario.time_limit)


def run_scenario(lab: Lab, recipe: Recipe, name: str, keep: bool = False) -> ScenarioRun:
    """Run one scenario in a sandbox of its own; ``keep`` leaves the sandbox on disk and says where."""
    scenario = recipe.scenarios[name]
    prepared = prepare(lab, recipe, name)
    box = prepared.box
    try:
        mark, before = len(lab.tripwire.attempts), lab.statuses()
        completed = prepared.execute()
        lab.world(squatter=scenario.squatter_on_pypi)  # an index that died meanwhile is the story, not pip's errors
        log = logs.realistic(logs.mask(completed.output, lab.secrets), lab.shown_origins(), _shown_paths(box, lab))
        verdicts = checks.judge(
            scenario,
            recipe.installed_expectations(scenario),
            completed,
            log,
            checks.installed(box.site_packages),
            lab.statuses() - before,
            lab.secrets,
            box.repository,
            lab.tripwire.attempts_since(mark),
        )
        header = _header(recipe, name, lab) + ([f"Sandbox kept in {box.root}"] if keep else [])
        return ScenarioRun(recipe, name, header, log, completed, verdicts)
    finally:
        if keep:
            janitor.forget_path(str(box.root))
        else:
            lab.sandboxes.discard(box)


def execution_environment(
    recipe: Recipe, name: str, world: World, box: Sandbox, proxy: str, uv_dir: Path
) -> dict[str, str]:
    """Variables in Valohai's order: image, ``VH_*``, step defaults, project/organization, this execution.

    A required variable nothing supplies never gets here: ``recipes.load`` rejects
    the scenario, as Valohai refuses to create the execution.
    """
    scenario, step = recipe.scenarios[name], recipe.step(name)
    env = box.image_environment(proxy, uv_dir if emulation_of(step.image).has_uv else None)
    env.update(box.system_variables())
    env.update({n: v.default for n, v in valohai.declared_variables(step).items() if v.default is not None})
    env.update({var: ROLES[role].value(world) for var, role in scenario.supplied().items()})
    env.update(scenario.overrides)
    return env


def _header(recipe: Recipe, name: str, lab: Lab) -> list[str]:
    scenario, step = recipe.scenarios[name], recipe.step(name)
    lines = [
        f"Recipe {shown_path(recipe.folder)}, scenario {name}: {scenario.description}",
        f"Step {step.name}, image {step.image} (emulated: {emulation_of(step.image).describe(lab.pip_version, lab.uv_version)})",
    ]
    lines += [
        f"Organization group {group}: {var} = <{role}>: {ROLES[role].description}"
        for group, members in scenario.groups.items() for var, role in members.items()
    ]
    lines += [f"Project variable {var} = <{role}>: {ROLES[role].description}" for var, role in scenario.variables.items()]
    lines += [f"Execution variable {var} = {value}" for var, value in scenario.overrides.items()]
    if scenario.squatter_on_pypi:
        lines.append("PyPI also serves an attacker's higher versions of private names")
    lines.append(f"$ {valohai.script(step)}")
    return lines


def _shown_paths(box: Sandbox, lab: Lab) -> dict[str, str]:
    return {
        str(box.repository): "/valohai/repository",
        str(box.root / "inputs"): "/valohai/inputs",
        str(box.root / "outputs"): "/valohai/outputs",
        str(box.root / "config"): "/valohai/config",
        str(box.python): "/usr/local",
        str(lab.uv_dir): "/usr/local/bin",
        str(lab.pinned_pip): str(box.site_packages).replace(str(box.python), "/usr/local"),
        str(box.home): "/root",
        str(box.root / "tmp"): "/tmp",
        sys.base_prefix: "/usr/local",  # the local interpreter's standard library, where an image has it
    }
