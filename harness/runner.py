"""Run one plan (a scenario under an execution model, with the pinned pip and uv or another) and judge it.

This is the only way anything runs: the CLI and the pytest plugin only present
what it returns. A run's verdicts are its scenario's expectations (under another
pip, as that pip's declared range changes them), whether the guide's copy of its
log is current (the pinned pip and uv), or whether the recipe's pip table still
says what the run gives (another pip; ``tables``). A plan that names models in
``derived`` runs under its own, and the others are derived from that run where
its items' statuses show them (``derivation``), made for real where they don't.
"""

from __future__ import annotations

import os
import platform
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from harness import checks, derivation, execution, fidelity, logs, pipelines, tables
from harness.checks import Evidence, Verdict
from harness.execution import Completed
from harness.fidelity import PROXY_VARIABLES
from harness.janitor import janitor
from harness.recipes import HARNESS_FILES, Plan, Recipe
from harness.sandbox import Sandbox
from harness.pip_versions import PINNED as PINNED_PIP, PINNED_UV
from harness.topology import NO_PROXY_DOMAIN, ROLES, resolved_names
from preflight import models, valohai
from preflight.errors import shown_path
from preflight.lint import lint_file
from preflight.options import STRICT

if TYPE_CHECKING:  # the lab starts servers; running a plan needs one, checking or showing it doesn't
    from harness.lab import Lab, World
    from harness.toolsets import Toolset

# What executions reach without the gateway: loopback, the stand-ins by name, the company's own domain.
_DIRECT = ",".join(["127.0.0.1", "localhost", "::1", *resolved_names(), NO_PROXY_DOMAIN])
_STATUSES = "item-statuses"  # beside the sandbox's image: where a lines run records its items' statuses


@dataclass
class ScenarioRun:
    plan: Plan
    header: list[str]
    log: str  # as committed for the guide: a line naming how it ran, then what the execution printed
    completed: Completed | None
    verdicts: list[Verdict] = field(default_factory=list)
    evidence: Evidence | None = None  # what the verdicts judged, for judging it against other expectations
    cell: tables.Cell | None = None  # under another pip: what the recipe's table records
    derived: dict[str, str] = field(default_factory=dict)  # model -> why this run stands for it
    made: list[ScenarioRun] = field(default_factory=list)  # runs of the plan's other models, where not derived

    @property
    def passed(self) -> bool:
        return all(v.passed for v in self.verdicts) and all(run.passed for run in self.made)

    @property
    def first_failure(self) -> Verdict | None:
        mine = next((v for v in self.verdicts if not v.passed), None)
        return mine or next((run.first_failure for run in self.made if not run.passed), None)

    def report(self) -> str:
        """Header, log and verdicts, the way a contributor reads them; then what stood for the other models."""
        rule = "-" * 78
        lines = [rule, *self.header, rule, self.log.rstrip("\n"), rule]
        lines += [str(v) for v in self.verdicts]
        lines += [f"DERIVED  {model}: {why}" for model, why in self.derived.items()]
        return "\n".join(lines) + "\n" + "".join(run.report() for run in self.made)

    @property
    def executions(self) -> int:
        """How many executions this run made (a rejected one makes none; a pipeline, one per node that ran)."""
        ran = 0 if self.completed is None else len(self.evidence.given) if self.plan.nodes else 1
        return ran + sum(run.executions for run in self.made)


@dataclass(frozen=True)
class Prepared:
    """Everything an execution needs, made before its command starts."""

    box: Sandbox
    env: dict[str, str]
    argv: list[str]
    time_limit: float

    def execute(self) -> Completed:
        return execution.run(self.argv, self.env, self.time_limit)


def prepare(lab: Lab, plan: Plan, toolset: Toolset | None = None, inputs: dict[str, list[Path]] | None = None
            ) -> Prepared:
    """A fresh sandbox holding the recipe, its inputs, the variables its execution gets, and the script it runs.

    ``inputs``: files a pipeline's edges bring, by input name.
    """
    toolset = toolset or lab.toolset(plan.pip, plan.uv)
    world = lab.world(squatter=plan.scenario.squatter_on_pypi)
    box = toolset.sandboxes.take().fill(plan.recipe.folder, plan.recipe.files())
    if plan.image.has_uv:
        box.add_uv(toolset.template)
    for name, kind in plan.scenario.inputs.items():
        if name in plan.step.inputs:
            box.add_input(name, *lab.input_file(kind))
    for name, files in (inputs or {}).items():
        for file in files:
            box.add_input(name, file.name, file.read_bytes())
    env = execution_environment(plan, world, box)
    commands = valohai.commands(plan.step)
    script = derivation.recording(plan.model, commands, box.root / _STATUSES) if plan.derived else plan.script
    argv = execution.isolated(plan.model.argv(script), box.mounts(toolset.template), box.repository)
    return Prepared(box, env, argv, plan.scenario.time_limit)


def run(lab: Lab, plan: Plan, keep: bool = False, update_log: bool = False) -> ScenarioRun:
    """Run ``plan`` in a sandbox of its own; ``keep`` leaves the sandbox on disk and says where.

    With ``update_log``, a run that passed rewrites the guide's stale copy of its log (the pinned pip and uv).
    """
    header = _header(plan, lab)
    missing = plan.missing_required()
    if missing:
        rejection = (f"required variable {', '.join(missing)} has no value (optional: false, no default): "
                     "Valohai requires one to create the execution")
        evidence = Evidence(None, rejection, "", {}, Counter(), [], [])
        return ScenarioRun(plan, header, f"{logs.HEADER_PREFIX}{rejection}\n", None, checks.judge(plan, evidence),
                           evidence)
    toolset = lab.toolset(plan.pip, plan.uv)
    made: list[Made] = []  # the executions: one, or a pipeline's nodes'; the last one's image is judged
    try:
        mark, before = len(lab.outside_attempts()), lab.statuses()
        if plan.nodes:
            pipelines.run(plan.nodes, lambda node, files: _make(lab, plan.for_node(node), toolset, made, files))
        else:
            _make(lab, plan, toolset, made)
        box, completed = made[-1].box, _completed(plan, made)
        lab.world(squatter=plan.scenario.squatter_on_pypi)  # an index that died meanwhile is the story, not pip's errors
        log = "".join(_heading(m) + _ended(shown_log(lab, toolset, m.box, m.completed.output)) for m in made)
        evidence = Evidence(
            completed, None, log, checks.installed(box.installed), lab.statuses() - before,
            [leak for m in made for leak in checks.find_leaks(m.completed.output, m.box.repository_after, lab.secrets)],
            lab.outside_attempts()[mark:], {path: (box.image / path.lstrip("/")).exists() for path in plan.expect.files},
            {m.plan.node: checks.secrets_given(m.prepared.env, m.inputs, lab.secrets) for m in made if m.plan.node},
        )
        committed = f"{logs.HEADER_PREFIX}{how_it_ran(plan, toolset)}\n{log}"
        done = ScenarioRun(plan, header, committed, completed, checks.judge(plan, evidence), evidence)
        if plan.pip:
            done.verdicts, done.cell = tables.pip_verdicts(plan, done.verdicts, evidence, committed)
        elif plan.uv:
            done.verdicts.append(tables.uv_verdict(plan, committed))
        elif plan.recipe.in_guide:
            done.verdicts.append(committed_log(plan, committed, done.passed, update_log))
        if plan.derived:
            why = derivation.shown(valohai.commands(plan.step), box.root / _STATUSES)
            for model in plan.derived:
                if why:
                    done.derived[model.name] = why
                else:
                    alone = replace(plan, model=model, same_as=(), derived=())
                    done.made.append(run(lab, alone, keep=keep, update_log=update_log))
        done.header += [f"Sandbox kept in {m.box.root}; what the execution wrote is in {m.box.layer}"
                        for m in made] if keep else []
        return done
    finally:
        for m in made:
            if keep:
                janitor.forget_path(str(m.box.root))
            else:
                toolset.sandboxes.discard(m.box)


@dataclass
class Made:
    """One execution a run makes: its step's, or a pipeline node's."""

    plan: Plan
    prepared: Prepared
    completed: Completed | None = None

    @property
    def box(self) -> Sandbox:
        return self.prepared.box

    @property
    def succeeded(self) -> bool:
        return self.completed is not None and self.completed.outcome == "success"

    @property
    def outputs(self) -> Path:
        """What it saved in /valohai/outputs, seen from outside."""
        return self.box.layer / "valohai" / "outputs"

    @property
    def inputs(self) -> Path:
        return self.box.layer / "valohai" / "inputs"


def _make(lab: Lab, plan: Plan, toolset: Toolset, made: list[Made], inputs: dict[str, list[Path]] | None = None
          ) -> Made:
    """Prepare and execute ``plan``, listed in ``made`` before it runs so that its sandbox is cleaned up."""
    one = Made(plan, prepare(lab, plan, toolset, inputs))
    made.append(one)
    one.completed = one.prepared.execute()
    return one


def _completed(plan: Plan, made: list[Made]) -> Completed:
    """The run's one execution; a pipeline's, as one: the status of the node that stopped it, or of the last."""
    if not plan.nodes:
        return made[0].completed
    last = made[-1].completed
    return Completed(last.exit_code, last.timed_out, "".join(_heading(m) + _ended(m.completed.output) for m in made),
                     sum(m.completed.seconds for m in made), last.time_limit)


def _ended(text: str) -> str:
    return text if not text or text.endswith("\n") else text + "\n"


def _heading(made: Made) -> str:
    """The line before a pipeline node's log, as Valohai shows each node as an execution of its own."""
    return f"--- node {made.plan.node}: an execution of step {made.plan.step.name} ---\n" if made.plan.node else ""


def committed_log(plan: Plan, log: str, passed: bool, update: bool) -> Verdict:
    """Whether the guide's copy of this run's log is current; a run that passed writes a stale copy with
    ``update``, and a missing one (a new recipe's first run) unless in CI, where every log must be committed.

    Each committed log comes from one run: the default model's, or a model's own where it differs.
    A copy that differs only in timings is current, and stays as it is.
    """
    verdict = checks.committed_log(plan, log)
    write = update or (not plan.log_path.is_file() and not os.environ.get("CI"))
    if passed and write and not verdict.passed and (plan.has_own_log or plan.model == models.DEFAULT):
        plan.log_path.parent.mkdir(exist_ok=True)
        plan.log_path.write_text(log)
        verdict = checks.committed_log(plan, log)
    return verdict


def shown_log(lab: Lab, toolset: Toolset, box: Sandbox, output: str) -> str:
    """What an execution printed, as the guide shows it: secrets masked, addresses and paths the image's."""
    paths = logs.sandbox_paths(str(box.image), str(toolset.template.uv.parent))
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


def how_it_ran(plan: Plan, toolset: Toolset) -> str:
    """The first line of every committed log: model, pip, Python and the image they stand in for."""
    tools = f"pip {toolset.pip}" + (f", uv {toolset.uv}" if plan.image.has_uv else "")
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
    env.update({var: world.value(ROLES[role]) for var, role in scenario.supplied(plan.step).items()})
    env.update(scenario.overrides)
    if plan.image.has_uv and not (env.get("UV_SYSTEM_CERTS") or env.get("UV_NATIVE_TLS")):
        env.setdefault("SSL_CERT_FILE", fidelity.UV_ROOTS)  # uv's built-in roots, where uv would use them
    return env


def _header(plan: Plan, lab: Lab) -> list[str]:
    scenario, step = plan.scenario, plan.step
    lines = [
        f"Recipe {shown_path(plan.recipe.folder)}, scenario {plan.name}, model {plan.model}: {scenario.description}",
        f"Step {step.name}, image {step.image} "
        f"({plan.image.describe(plan.pip or PINNED_PIP, plan.uv or PINNED_UV)})",
    ]
    if plan.nodes:
        lines.append(f"Pipeline {scenario.pipeline}: " + ", then ".join(f"node {n.name} (step {n.step.name})"
                                                                       for n in plan.nodes))
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
