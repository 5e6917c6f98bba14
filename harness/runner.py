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
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from harness import awsaccount, builds, checks, derivation, execution, fidelity, logs, pipelines, tables
from harness.checks import Evidence, Verdict
from harness.execution import Completed
from harness.janitor import janitor
from harness.pip_versions import PINNED as PINNED_PIP
from harness.pip_versions import PINNED_UV
from harness.recipes import HARNESS_FILES, Plan, Recipe
from harness.sandbox import Sandbox
from harness.topology import ROLES, direct, named_hosts
from preflight import models, valohai
from preflight.errors import shown_path
from preflight.lint import lint_file
from preflight.options import STRICT

if TYPE_CHECKING:  # the lab starts servers; running a plan needs one, checking or showing it doesn't
    from harness.lab import Lab, World
    from harness.toolsets import Toolset

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


def prepare(lab: Lab, plan: Plan, toolset: Toolset | None = None, built: builds.Built | None = None,
            inputs: dict[str, list[Path]] | None = None) -> Prepared:
    """A fresh sandbox holding the recipe, its inputs, the variables its execution gets, and the script it runs; on
    the image ``built`` where the scenario built one, else on the toolset's template.

    ``inputs``: files a pipeline's edges bring, by input name.
    """
    toolset = toolset or lab.toolset(plan.pip, plan.uv)
    world = lab.world(squatter=plan.scenario.squatter_on_pypi)
    box = toolset.sandboxes.take().fill(plan.recipe.folder, plan.recipe.files())
    if plan.image.has_uv:
        box.add_uv(toolset.template)
    box.add_file(awsaccount.PATH, awsaccount.account_file(world))
    for path, stub in plan.image.commands:
        box.add_command(path, stub)
    for name, kind in plan.scenario.inputs.items():
        if name in plan.step.inputs:
            box.add_input(name, *lab.input_file(kind))
    for name, files in (inputs or {}).items():
        for file in files:
            box.add_input(name, file.name, file.read_bytes())
    env = execution_environment(plan, world, box)
    commands = valohai.commands(plan.step)
    script = derivation.recording(plan.model, commands, box.root / _STATUSES) if plan.derived else plan.script
    mounts = box.mounts(toolset.template, built.rootfs, [built.interpreter_mount(box.image)]) if built else \
        box.mounts(toolset.template)
    argv = execution.isolated(plan.model.argv(script), mounts, box.repository)
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
    built = builds.built_for(lab, plan, toolset) if plan.scenario.build else None
    if built is not None and not built.ok:
        return _not_built(lab, plan, toolset, header, built, update_log)
    plan = replace(plan, image=built.image) if built is not None else plan
    made: list[Made] = []  # the executions: one, or a pipeline's nodes'; the last one's image is judged
    try:
        mark, before = len(lab.outside_attempts()), lab.statuses()
        if plan.nodes:
            pipelines.run(plan.nodes, lambda node, files: _make(lab, plan.for_node(node), toolset, made, files))
        else:
            _make(lab, plan, toolset, made, built=built)
        box, completed = made[-1].box, _completed(plan, made)
        lab.world(squatter=plan.scenario.squatter_on_pypi)  # an index that died meanwhile is the story, not pip's errors
        evidence = _evidence(lab, plan, toolset, made, built, completed, lab.statuses() - before,
                             lab.outside_attempts()[mark:])
        done = _judged(plan, toolset, header, completed, evidence, update_log)
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


def _make(lab: Lab, plan: Plan, toolset: Toolset, made: list[Made], inputs: dict[str, list[Path]] | None = None,
          built: builds.Built | None = None) -> Made:
    """Prepare and execute ``plan``, listed in ``made`` before it runs so that its sandbox is cleaned up."""
    one = Made(plan, prepare(lab, plan, toolset, built, inputs))
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


def _evidence(lab: Lab, plan: Plan, toolset: Toolset, made: list[Made], built: builds.Built | None,
              completed: Completed, answered: Counter, outside: list[str]) -> Evidence:
    """What the run left to judge: every execution's log and leaks, the build's before them; the last execution's
    image (over the built one's files, where the scenario built it)."""
    box = made[-1].box
    if built:
        log = shown_log(lab, toolset, box, builds.build_log_and_execution(built, plan.step.name, completed.output))
    else:
        log = "".join(_heading(m) + _ended(shown_log(lab, toolset, m.box, m.completed.output)) for m in made)
    leaks = [leak for m in made for leak in checks.find_leaks(m.completed.output, m.box.repository_after, lab.secrets)]
    lower = built.rootfs if built else toolset.template.root
    return Evidence(
        completed, None, log,
        checks.installed(box.project_installed, box.installed, *([built.site_packages] if built else [])),
        answered + (built.answered if built else Counter()),
        leaks + (checks.find_leaks(built.printed, None, lab.secrets) if built else []),
        [*(built.outside_attempts if built else []), *outside],
        {path: box.holds(path, lower) for path in plan.expect.files},
        built.evidence(plan.expect, lambda text: shown_log(lab, toolset, None, text)) if built else None,
        {m.plan.node: checks.secrets_given(m.prepared.env, m.inputs, lab.secrets) for m in made if m.plan.node},
    )


def _not_built(lab: Lab, plan: Plan, toolset: Toolset, header: list[str], built: builds.Built,
               update_log: bool) -> ScenarioRun:
    """A scenario whose image failed to build: its log is the build's, and no execution ran, under any model."""
    evidence = Evidence(built.completed, None, shown_log(lab, toolset, None, built.output), {}, built.answered,
                        checks.find_leaks(built.printed, None, lab.secrets), built.outside_attempts, {},
                        built.evidence(plan.expect, lambda text: shown_log(lab, toolset, None, text)))
    done = _judged(plan, toolset, header, built.completed, evidence, update_log)
    done.derived = {model.name: "the image was not built, so no execution ran" for model in plan.derived}
    return done


def _judged(plan: Plan, toolset: Toolset, header: list[str], completed: Completed, evidence: Evidence,
            update_log: bool) -> ScenarioRun:
    """The run's verdicts: its expectations, and whether the guide's log or the pip table says what it gave."""
    committed = f"{logs.HEADER_PREFIX}{how_it_ran(plan, toolset)}\n{evidence.log}"
    done = ScenarioRun(plan, header, committed, completed, checks.judge(plan, evidence), evidence)
    if plan.pip:
        done.verdicts, done.cell = tables.pip_verdicts(plan, done.verdicts, evidence, committed)
    elif plan.uv:
        done.verdicts.append(tables.uv_verdict(plan, committed))
    elif plan.recipe.in_guide:
        done.verdicts.append(committed_log(plan, committed, done.passed, update_log))
    return done


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


def shown_log(lab: Lab, toolset: Toolset, box: Sandbox | None, output: str) -> str:
    """What an execution (or a build) printed, as the guide shows it: secrets masked, addresses and paths the
    image's."""
    paths = logs.sandbox_paths(str(box.image), str(toolset.template.uv.parent)) if box else {}
    return logs.realistic(logs.mask(output, lab.secrets), lab.ports(), paths)


def lint_verdicts(recipe: Recipe) -> list[Verdict]:
    """The lint finds the mistakes the recipe declares under ``lint-finds``, and nothing else."""
    options = replace(STRICT, skip=HARNESS_FILES)  # scenarios and logs are not the repository's code
    findings = lint_file(recipe.folder / "valohai.yaml", options)
    expected = {(where, rule) for where, rules in recipe.spec.lint_finds.items() for rule in rules}
    where = lambda f: f.step or f.path.relative_to(recipe.folder).as_posix()  # noqa: E731 (a step, or a Dockerfile)
    shown = lambda place: f"step '{place}'" if place in recipe.valohai.config.steps else place  # noqa: E731
    verdicts = [
        Verdict((where(f), f.rule) in expected, f"the lint finds {f.rule} in {shown(where(f))}",
                "" if (where(f), f.rule) in expected else f"not declared in lint-finds: {f}")
        for f in findings
    ]
    found = {(where(f), f.rule) for f in findings}
    verdicts += [
        Verdict(False, f"the lint finds {rule} in {shown(place)}", "declared in lint-finds, but not found")
        for place, rule in sorted(expected - found)
    ]
    return verdicts or [Verdict(True, "the lint finds nothing in the recipe")]


def how_it_ran(plan: Plan, toolset: Toolset) -> str:
    """The first line of every committed log: model, pip, Python and the image they stand in for."""
    tools = f"pip {toolset.pip}" + (f", uv {toolset.uv}" if plan.image.has_uv else "")
    image = plan.image.built_from or plan.image.name
    builder = f" · buildah {builds.version()}" if plan.image.built_from else ""
    return (f"{plan.model} · {tools} · Python {platform.python_version()} "
            f"standing in for {image} (Python {plan.image.python_version}){builder}")


def execution_environment(plan: Plan, world: World, box: Sandbox) -> dict[str, str]:
    """Variables in Valohai's order: the image's, ``VH_*``, step defaults, project/organization, this execution.

    Between the image's and Valohai's come the harness's own, each a listed
    ``fidelity.Deviation``. A required variable nothing supplies never gets here:
    Valohai refuses to create that execution.
    """
    scenario = plan.scenario
    env = box.environment(plan.image)
    env.update(box.valohai_variables())
    env.update(world.proxies(direct_names(plan.recipe)))
    env.update({n: v.default for n, v in valohai.declared_variables(plan.step).items() if v.default is not None})
    env.update({var: world.value(ROLES[role]) for var, role in scenario.supplied(plan.step).items()})
    env.update(scenario.overrides)
    if plan.image.has_uv and not (env.get("UV_SYSTEM_CERTS") or env.get("UV_NATIVE_TLS")):
        env.setdefault("SSL_CERT_FILE", fidelity.UV_ROOTS)  # uv's built-in roots, where uv would use them
    return env


def direct_names(recipe: Recipe) -> str:
    """NO_PROXY: loopback, the stand-ins' names, the company's domain; not a name the recipe's files write without a
    port (a uv.lock names https://acme.jfrog.io/…), which the execution reaches through the gateway, on port 443."""
    texts = [path.read_text(errors="replace") for path in recipe.files()]
    by_name = {name for name in named_hosts()
               if any(re.search(rf"https://(?:[^/@\s]+@)?{re.escape(name)}(?![\w.:-])", text) for text in texts)}
    return direct(by_name)


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
