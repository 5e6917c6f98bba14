"""Run one plan (a scenario under an execution model) and return every verdict on it.

The CLI and the pytest plugin only present what this returns: the run's own
verdicts, whether the guide's copy of its log is current, and, per recipe,
whether the lint finds exactly the mistakes the recipe shows on purpose.
"""

from __future__ import annotations

import platform
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from harness import checks, execution, fidelity, logs
from harness.checks import Evidence, Verdict
from harness.execution import Completed
from harness.fidelity import PROXY_VARIABLES
from harness.janitor import janitor
from harness.recipes import HARNESS_FILES, Plan, Recipe
from harness.sandbox import Sandbox
from harness.topology import NO_PROXY_DOMAIN, ROLES, resolved_names
from preflight import models, valohai
from preflight.errors import shown_path
from preflight.lint import lint_file
from preflight.options import STRICT

if TYPE_CHECKING:  # the lab starts servers; running a plan needs one, checking or showing it doesn't
    from harness.lab import Lab, World

# What executions reach without the gateway: loopback, the stand-ins by name, the company's own domain.
_DIRECT = ",".join(["127.0.0.1", "localhost", "::1", *resolved_names(), NO_PROXY_DOMAIN])


@dataclass
class ScenarioRun:
    plan: Plan
    header: list[str]
    log: str  # as committed for the guide: a line naming how it ran, then what the execution printed
    completed: Completed | None
    verdicts: list[Verdict] = field(default_factory=list)
    evidence: Evidence | None = None  # what the verdicts judged, for judging it against other expectations

    @property
    def passed(self) -> bool:
        return all(v.passed for v in self.verdicts)

    @property
    def first_failure(self) -> Verdict | None:
        return next((v for v in self.verdicts if not v.passed), None)

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
    argv: list[str]
    time_limit: float

    def execute(self) -> Completed:
        return execution.run(self.argv, self.env, self.time_limit)


def prepare(lab: Lab, plan: Plan) -> Prepared:
    """A fresh sandbox holding the recipe, and the variables its execution gets."""
    world = lab.world(squatter=plan.scenario.squatter_on_pypi)
    box = lab.sandboxes.take().fill(plan.recipe.folder, plan.recipe.files())
    if plan.image.has_uv:
        box.add_uv(lab.template)
    for name, kind in plan.scenario.inputs.items():
        box.add_input(name, *lab.input_file(kind))
    env = execution_environment(plan, world, box)
    argv = execution.isolated(plan.model.argv(plan.script), box.mounts(lab.template), box.repository)
    return Prepared(box, env, argv, plan.scenario.time_limit)


def run(lab: Lab, plan: Plan, keep: bool = False, update_log: bool = False) -> ScenarioRun:
    """Run ``plan`` in a sandbox of its own; ``keep`` leaves the sandbox on disk and says where.

    With ``update_log``, a run that passed rewrites the guide's stale copy of its log.
    """
    header = _header(plan, lab)
    missing = plan.missing_required()
    if missing:
        rejection = (f"required variable {', '.join(missing)} has no value (optional: false, no default): "
                     "Valohai requires one to create the execution")
        evidence = Evidence(None, rejection, "", {}, Counter(), [], [])
        return ScenarioRun(plan, header, f"{logs.HEADER_PREFIX}{rejection}\n", None, checks.judge(plan, evidence),
                           evidence)
    prepared = prepare(lab, plan)
    box = prepared.box
    try:
        mark, before = len(lab.outside_attempts()), lab.statuses()
        completed = prepared.execute()
        lab.world(squatter=plan.scenario.squatter_on_pypi)  # an index that died meanwhile is the story, not pip's errors
        log = shown_log(lab, box, completed.output)
        evidence = Evidence(
            completed, None, log, checks.installed(box.installed), lab.statuses() - before,
            checks.find_leaks(completed.output, box.repository_after, lab.secrets), lab.outside_attempts()[mark:],
        )
        committed = f"{logs.HEADER_PREFIX}{how_it_ran(plan, lab)}\n{log}"
        verdicts = checks.judge(plan, evidence)
        if plan.recipe.in_guide:
            verdicts.append(committed_log(plan, committed, update_log and all(v.passed for v in verdicts)))
        header += [f"Sandbox kept in {box.root}; what the execution wrote is in {box.layer}"] if keep else []
        return ScenarioRun(plan, header, committed, completed, verdicts, evidence)
    finally:
        if keep:
            janitor.forget_path(str(box.root))
        else:
            lab.sandboxes.discard(box)


def committed_log(plan: Plan, log: str, update: bool) -> Verdict:
    """Whether the guide's copy of this run's log is current; with ``update``, a stale copy is written first.

    Each committed log comes from one run: the default model's, or a model's own where it differs.
    A copy that differs only in timings is current, and stays as it is.
    """
    verdict = checks.committed_log(plan, log)
    if update and not verdict.passed and (plan.has_own_log or plan.model == models.DEFAULT):
        plan.log_path.parent.mkdir(exist_ok=True)
        plan.log_path.write_text(log)
        verdict = checks.committed_log(plan, log)
    return verdict


def shown_log(lab: Lab, box: Sandbox, output: str) -> str:
    """What an execution printed, as the guide shows it: secrets masked, addresses and paths the image's."""
    paths = logs.sandbox_paths(str(box.image), str(lab.template.uv.parent))
    return logs.realistic(logs.mask(output, lab.secrets), lab.ports(), paths)


def lint_verdicts(recipe: Recipe) -> list[Verdict]:
    """The lint finds the mistakes the recipe declares under ``lint-finds``, and nothing else."""
    options = replace(STRICT, skip=HARNESS_FILES)  # scenarios and logs are not the repository's code
    findings = lint_file(recipe.folder / "valohai.yaml", options)
    expected = {(step, rule) for step, rules in recipe.spec.lint_finds.items() for rule in rules}
    verdicts = [
        Verdict((f.step, f.rule) in expected, f"the lint finds {f.rule} in step '{f.step}'",
                "" if (f.step, f.rule) in expected else f"not declared in lint-finds: {f}")
        for f in findings
    ]
    found = {(f.step, f.rule) for f in findings}
    verdicts += [
        Verdict(False, f"the lint finds {rule} in step '{step}'", "declared in lint-finds, but not found")
        for step, rule in sorted(expected - found)
    ]
    return verdicts or [Verdict(True, "the lint finds nothing in the recipe")]


def how_it_ran(plan: Plan, lab: Lab) -> str:
    """The first line of every committed log: model, pip, Python and the image they stand in for."""
    tools = f"pip {lab.pip_version}" + (f", uv {lab.uv_version}" if plan.image.has_uv else "")
    return (f"{plan.model} · {tools} · Python {platform.python_version()} "
            f"standing in for {plan.image.name} (Python {plan.image.python_version})")


def execution_environment(plan: Plan, world: World, box: Sandbox) -> dict[str, str]:
    """Variables in Valohai's order: the image's, ``VH_*``, step defaults, project/organization, this execution.

    Between the image's and Valohai's come the harness's own, each a listed
    ``fidelity.Deviation``. A required variable nothing supplies never gets here:
    Valohai refuses to create that execution.
    """
    scenario = plan.scenario
    env = box.environment(plan.image)
    env.update(box.valohai_variables())
    env.update({name: world.gateway.url for name in PROXY_VARIABLES if "no" not in name.lower()})
    env.update({"NO_PROXY": _DIRECT, "no_proxy": _DIRECT})
    env.update({n: v.default for n, v in valohai.declared_variables(plan.step).items() if v.default is not None})
    env.update({var: world.value(ROLES[role]) for var, role in scenario.supplied().items()})
    env.update(scenario.overrides)
    if plan.image.has_uv and not (env.get("UV_SYSTEM_CERTS") or env.get("UV_NATIVE_TLS")):
        env.setdefault("SSL_CERT_FILE", fidelity.UV_ROOTS)  # uv's built-in roots, where uv would use them
    return env


def _header(plan: Plan, lab: Lab) -> list[str]:
    scenario, step = plan.scenario, plan.step
    lines = [
        f"Recipe {shown_path(plan.recipe.folder)}, scenario {plan.name}, model {plan.model}: {scenario.description}",
        f"Step {step.name}, image {step.image} ({plan.image.describe(lab.pip_version, lab.uv_version)})",
    ]
    lines += [
        f"Organization group {group}: {var} = <{role}>: {ROLES[role].description}"
        for group, members in scenario.groups.items() for var, role in members.items()
    ]
    lines += [f"Project variable {var} = <{role}>: {ROLES[role].description}" for var, role in scenario.variables.items()]
    lines += [f"Execution variable {var} = {value}" for var, value in scenario.overrides.items()]
    if scenario.squatter_on_pypi:
        lines.append("PyPI also serves an attacker's higher versions of private names")
    lines.append(f"$ {plan.model.interpreter} -c {plan.script!r}")
    return lines
