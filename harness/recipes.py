"""Recipes: ``examples/<slug>/`` folders with a valohai.yaml and a scenarios.yaml.

A scenario file says which step to run, what the project supplies (by index
*role*, never by URL) and what must happen. Its shape is checked by pydantic,
its meaning (roles, packages, versions, variables the step declares) here;
every problem is reported with its file and line before anything runs.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from valohai_yaml.objs import Step

from harness import catalogue, derivation, pip_versions, pipelines
from harness.fidelity import DEFAULT_TIME_LIMIT
from harness.images import HOW_TO_ADD, IMAGES, SUPPORTED, Image, image
from harness.topology import INPUT_FILES, ROLES
from preflight import dockerfiles, models, valohai
from preflight.errors import Problem, RecipeError, without_credentials
from preflight.models import ExecutionModel
from preflight.rules import RULES
from preflight.yamlsource import YamlSource

SCENARIO_FILE = "scenarios.yaml"
SCHEMA = Path(__file__).with_name("scenarios.schema.json")  # for editors: each scenario file names it
LOGS_DIR = "logs"
HARNESS_FILES = (SCENARIO_FILE, LOGS_DIR)  # the harness's own files, not part of the repository

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_VARIABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_INSTALLED = re.compile(r"^(?P<version>\S+) from (?P<index>\S+)$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=False, frozen=True)


FileState = Literal["present", "absent"]
Place = Literal["layers", "history", "config"]  # where a built image can hold a secret
PLACES: tuple[Place, ...] = get_args(Place)


class ImageExpect(_Strict):
    """What the image the scenario builds must hold, or not, before any execution runs it."""

    secret_in: list[Place] = Field(default=[], alias="secret-in",
                                   description="where the build puts a secret on purpose: layers (a file in a "
                                               "layer, deleted later or not), history, config; everywhere else, "
                                               "and by default everywhere, no secret may be")
    history: list[str] = Field(default=[], description="text an entry of the image's history must contain, secrets "
                                                       "masked **** as in logs")
    not_in_history: list[str] = Field(default=[], alias="not-in-history",
                                      description="text no entry of the image's history may contain")
    env: dict[str, Literal["set", "unset"]] = Field(default={}, description="variables the image's configuration "
                                                                             "must set, or not")
    files: dict[str, FileState] = Field(default={}, description="paths in the image's filesystem")


class Expect(_Strict):
    """What must happen. ``log`` entries are whole lines of the log (an entry of several lines, consecutive
    ones); ``log-contains`` entries may be part of a line; ``not-in-log`` entries must be in no line."""

    outcome: Literal["success", "failure", "timed-out", "rejected"] = Field(
        description="what the execution does; rejected: Valohai refuses to create it")
    rejected_because: str | None = Field(default=None, alias="rejected-because",
                                         description="with outcome rejected: the reason Valohai gives")
    installed: dict[str, str] = Field(default={}, description="package: '<version> from <package set>'")
    not_installed: list[str] = Field(default=[], alias="not-installed", description="packages that must not be there")
    log: list[str] = Field(default=[], description="whole lines the log must show")
    log_contains: list[str] = Field(default=[], alias="log-contains", description="text some line must contain")
    not_in_log: list[str] = Field(default=[], alias="not-in-log", description="text no line may contain")
    index_answered: list[int] = Field(default=[], alias="index-answered",
                                      description="HTTP statuses the indexes must have answered (seen server-side)")
    secret_leaks: bool = Field(default=False, alias="secret-leaks",
                               description="true: the scenario shows a leak on purpose, and one must be found")
    files: dict[str, FileState] = Field(default={}, description="paths under /root, /usr/local, /tmp or /valohai "
                                                                "(/root/.cache/pip) the execution must leave behind, "
                                                                "or not")
    image: ImageExpect | None = Field(default=None, description="with build: what the built image holds")
    secret_free: list[str] = Field(default=[], alias="secret-free",
                                   description="with pipeline: nodes whose execution must get no secret, in its "
                                               "environment or its inputs")


class ModelExpect(_Strict):
    """What differs under one execution model; every key replaces the scenario's own."""

    outcome: Literal["success", "failure", "timed-out"] | None = None
    installed: dict[str, str] | None = None
    not_installed: list[str] | None = Field(default=None, alias="not-installed")
    log: list[str] | None = None
    log_contains: list[str] | None = Field(default=None, alias="log-contains")
    not_in_log: list[str] | None = Field(default=None, alias="not-in-log")
    index_answered: list[int] | None = Field(default=None, alias="index-answered")
    secret_leaks: bool | None = Field(default=None, alias="secret-leaks")
    files: dict[str, FileState] | None = None
    image: ImageExpect | None = None


class PipExpect(ModelExpect):
    """What differs under the pips of one version range (``pip_versions``), and why; shown on the recipe's page."""

    because: str = Field(min_length=1, description="why, in the reader's words: the recipe's page shows it")


class Build(_Strict):
    """The image the step runs, built first from the recipe's files as CI builds it (buildah), with what CI passes."""

    dockerfile: str = Field(default="Dockerfile", description="the recipe's Dockerfile to build (--file)")
    secrets: dict[str, str] = Field(default={}, description="build secret id -> index role: --secret "
                                                            "id=<id>,src=<a file holding the role's value>")
    args: dict[str, str] = Field(default={}, description="build argument -> index role: --build-arg NAME=<the "
                                                         "role's value>")
    pip_conf: str | None = Field(default=None, alias="pip-conf", description="index role: CI writes a pip.conf "
                                                                              "with this index-url into the build "
                                                                              "context first")


class Scenario(_Strict):
    description: str = Field(description="one sentence on what this run shows")
    step: str | None = Field(default=None, description="the step to run; default: the file's step")
    pipeline: str | None = Field(default=None, description="a pipeline of valohai.yaml to run instead of a step: each "
                                                           "node an execution, outputs handed on as inputs")
    groups: dict[str, dict[str, str]] = Field(
        default={}, description="organization variable groups the step lists: group ID -> {variable: index role}; "
                                "a group supplies its variables only to a step that lists it")
    variables: dict[str, str] = Field(default={}, description="project variables: variable -> index role "
                                                              "(python -m harness roles), never a URL")
    overrides: dict[str, str] = Field(default={}, description="values typed when creating the execution "
                                                              "(never a credential)")
    inputs: dict[str, str] = Field(default={}, description="Valohai inputs: the step's input name -> a file the "
                                                           "harness makes, such as company-ca")
    build: Build | None = Field(default=None, description="build the image the step names from the recipe's "
                                                          "Dockerfile first, and run the step in it")
    squatter_on_pypi: bool = Field(default=False, alias="squatter-on-pypi",
                                   description="PyPI also serves an attacker's higher versions of private names")
    time_limit: float = Field(default=DEFAULT_TIME_LIMIT, alias="time-limit", gt=0, le=600,
                              description="seconds before the execution is killed")
    expect: Expect = Field(description="what must happen")
    models: dict[str, ModelExpect] = Field(
        default={}, description="only where an execution model changes the result: model -> the keys of expect "
                                "that differ (that model then has a log of its own)")
    pips: dict[str, PipExpect] = Field(
        default={}, description="only where older pips change the result: a version range such as '<22.2' -> "
                                "because, and the keys of expect that differ")

    def supplied(self, step: Step | None = None) -> dict[str, str]:
        """Every variable the scenario supplies by role (to ``step``: from the groups it lists), organization groups
        first, then the project's."""
        merged = {var: role for group, members in self.groups.items()
                  if step is None or group in step.environment_variable_groups for var, role in members.items()}
        return merged | self.variables

    def expect_under(self, model: ExecutionModel) -> Expect:
        override = self.models.get(model.name)
        if override is None:
            return self.expect
        return _changed(self.expect, override.model_dump(by_alias=True, exclude_unset=True))

    def pip_range(self, version: str) -> str | None:
        """The declared range (a key of ``pips``) that takes in this pip, if any."""
        return next((key for key in self.pips if pip_versions.in_range(version, key)), None)

    def expect_under_pip(self, model: ExecutionModel, version: str) -> Expect:
        """The model's expectations, with what the pip's declared range changes."""
        base = self.expect_under(model)
        key = self.pip_range(version)
        if key is None:
            return base
        return _changed(base, self.pips[key].model_dump(by_alias=True, exclude_unset=True, exclude={"because"}))


def _changed(expect: Expect, changes: dict) -> Expect:
    """``expect`` with a model's or a pip's changes; ``log`` and ``log-contains`` say together what the log shows,
    so changing one replaces both."""
    if {"log", "log-contains"} & changes.keys():
        changes = {"log": [], "log-contains": []} | changes
    return Expect.model_validate(expect.model_dump(by_alias=True) | changes)


class ScenarioFile(_Strict):
    step: str | None = Field(default=None, description="the step the scenarios run, unless one names its own")
    scenarios: dict[str, Scenario] = Field(min_length=1, description="name (lowercase-with-dashes) -> scenario")
    lint_finds: dict[str, list[str]] = Field(
        default={}, alias="lint-finds", description="mistakes a recipe shows on purpose: step (or a Dockerfile of "
                                                    "the recipe) -> the preflight rules that must find them")


@dataclass(frozen=True)
class Provenance:
    version: str
    package_set: str

    @classmethod
    def parse(cls, text: str) -> Provenance | None:
        match = _INSTALLED.match(text.strip())
        return cls(match["version"], match["index"]) if match else None

    def __str__(self) -> str:
        return f"{self.version} from {self.package_set}"


@dataclass(frozen=True)
class Plan:
    """One scenario under one execution model, and optionally another pip or uv: everything its run needs.

    Where two models give the same shell the same script (a single command item under
    ``lines+sh`` and ``and-chain+sh``), one plan stands for both: it is one execution
    (``same_as``). Where they don't, but a run under one shows what the other would do
    (``derivation``), the plan names the other in ``derived``: its run is derived when the
    statuses allow, and made otherwise. ``pip`` and ``uv`` name a version of the matrix
    the execution runs instead of the pinned one; ``expect`` then holds what that pip's
    declared range changes.
    """

    recipe: Recipe
    name: str
    scenario: Scenario
    step: Step
    image: Image
    model: ExecutionModel
    expect: Expect
    installs: dict[str, Provenance]
    same_as: tuple[ExecutionModel, ...] = ()  # other models whose execution this one is
    derived: tuple[ExecutionModel, ...] = ()  # other models whose run this one's may show (harness.derivation)
    pip: str | None = None  # another pip of the matrix than the pinned one
    uv: str | None = None  # another uv than the pinned one
    nodes: tuple[pipelines.Node, ...] = ()  # a pipeline's, in the order they run; ``step`` is the last one's
    node: str | None = None  # the pipeline node this plan runs

    @property
    def id(self) -> str:
        if self.pip or self.uv:
            return f"{self.name}[{'pip-' + self.pip if self.pip else 'uv-' + self.uv}]"
        return f"{self.name}[{','.join(m.name for m in (self.model, *self.same_as, *self.derived))}]"

    @property
    def pinned(self) -> bool:
        """Runs the pinned pip and uv: its log is the one the guide commits."""
        return self.pip is None and self.uv is None

    @property
    def has_own_log(self) -> bool:
        return self.model.name in self.scenario.models

    @property
    def log_path(self) -> Path:
        """Where the guide's copy of this scenario's log is committed: one per scenario, or per model where they differ."""
        suffix = f".{self.model}" if self.has_own_log else ""
        return self.recipe.folder / LOGS_DIR / f"{self.name}{suffix}.log"

    @property
    def script(self) -> str:
        steps = [node.step for node in self.nodes] or [self.step]
        return "\n".join(self.model.script(valohai.commands(step)) for step in steps)

    def missing_required(self) -> list[str]:
        steps = [node.step for node in self.nodes] or [self.step]
        return list(dict.fromkeys(name for step in steps
                                  for name in missing_required(step, set(self.scenario.supplied(step)))))

    def for_node(self, node: pipelines.Node) -> Plan:
        """The plan of one node's execution."""
        return dataclasses.replace(self, step=node.step, image=image(node.step.image), nodes=(), node=node.name)

    def alone(self) -> list[Plan]:
        """This plan's models, each a plan of its own (asked for by its own test id)."""
        return [dataclasses.replace(self, model=m, same_as=(), derived=()) for m in (self.model, *self.same_as,
                                                                                    *self.derived)]


@dataclass
class Recipe:
    slug: str
    folder: Path
    valohai: valohai.ValohaiFile
    spec: ScenarioFile
    source: YamlSource

    @property
    def scenarios(self) -> dict[str, Scenario]:
        return self.spec.scenarios

    def step_name(self, scenario: str) -> str:
        """The scenario's step; a pipeline's last node's."""
        name = self.scenarios[scenario].pipeline
        if name:
            return pipelines.nodes(self.valohai.config, name)[-1].step.name
        return self.scenarios[scenario].step or self.spec.step

    def plan(self, name: str, model: ExecutionModel = models.DEFAULT, pip: str | None = None,
             uv: str | None = None) -> Plan:
        scenario = self.scenario_named(name)
        step = self.valohai.step(self.step_name(name))
        expect = scenario.expect_under_pip(model, pip) if pip else scenario.expect_under(model)
        installs = {project: Provenance.parse(text) for project, text in expect.installed.items()}
        nodes = pipelines.nodes(self.valohai.config, scenario.pipeline) if scenario.pipeline else ()
        return Plan(self, name, scenario, step, self.image_of(scenario, step), model, expect, installs, pip=pip, uv=uv,
                    nodes=nodes)

    def image_of(self, scenario: Scenario, step: Step) -> Image | None:
        """The image a scenario's execution runs: one the harness stands in for, or, where the scenario builds the
        step's image, the one its Dockerfile's last stage starts from, under the step's name (its variables are the
        built image's, known once it is built: ``builds``)."""
        if scenario.build is None:
            return image(step.image)
        try:
            base = dockerfiles.final_base(dockerfiles.parse(self.folder / scenario.build.dockerfile))
        except (OSError, ValueError):
            return None
        found = image(base) if base else None
        return dataclasses.replace(found, name=step.image, aliases=(), built_from=found.name) if found else None

    def scenario_named(self, name: str) -> Scenario:
        if name not in self.scenarios:
            raise RecipeError.at(self.source.path, None, f"no scenario {name!r} (scenarios: {', '.join(self.scenarios)})")
        return self.scenarios[name]

    def plans(self, only: list[str] | None = None, under: tuple[ExecutionModel, ...] = models.MODELS) -> list[Plan]:
        """Every scenario (or ``only`` these) under every model in ``under``: identical executions once, and a
        run another one's can stand for named in its ``derived``."""
        plans = []
        for name in self.scenarios:
            if only and name not in only:
                continue
            distinct: dict[tuple, Plan] = {}
            for model in under:
                plan = self.plan(name, model)
                key = (model.interpreter, plan.script, plan.expect.model_dump_json(), plan.has_own_log)
                if plan.expect.outcome == "rejected":
                    key = ()  # nothing runs, under any model: one verdict stands for all
                if key in distinct:
                    first = distinct[key]
                    distinct[key] = dataclasses.replace(first, same_as=(*first.same_as, model))
                else:
                    distinct[key] = plan
            plans += _fold_derivable(list(distinct.values()))
        return plans

    @property
    def in_guide(self) -> bool:
        """A recipe under examples/ is on the guide's pages, so its logs are committed; a test fixture's aren't."""
        return self.folder.parent.name == "examples"

    @property
    def refresh_command(self) -> str:
        """The command that rewrites this recipe's committed logs."""
        return f"python -m harness run examples/{self.slug} --update-logs"

    def files(self) -> list[Path]:
        """The recipe's own files (what the guide shows and the repository holds)."""
        return sorted(
            p for p in self.folder.rglob("*")
            if p.is_file() and p.relative_to(self.folder).parts[0] not in HARNESS_FILES
            and "__pycache__" not in p.parts
        )


def _fold_derivable(plans: list[Plan]) -> list[Plan]:
    """One scenario's plans, with an ``and-chain+sh`` plan folded into the ``lines+sh`` one it can be derived from
    (``derivation``): the same expectations, no log of its own, items that join into the same commands."""
    lines = next((p for p in plans if p.model == models.LINES_SH and not p.has_own_log), None)
    chain = next((p for p in plans if p.model == models.AND_CHAIN_SH and not p.has_own_log), None)
    if lines is None or chain is None or lines.expect != chain.expect or lines.expect.outcome == "rejected" \
            or lines.nodes:  # a pipeline's statuses are several executions'
        return plans
    if derivation.why_not(valohai.commands(lines.step)) is not None:
        return plans
    folded = dataclasses.replace(lines, derived=(*lines.derived, chain.model, *chain.same_as))
    return [folded if p is lines else p for p in plans if p is not chain]


def schema_text() -> str:
    """The JSON Schema of a scenario file, generated from the models above."""
    schema = ScenarioFile.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "scenarios.yaml: how the guide's harness runs a recipe, and what must happen"
    return json.dumps(schema, indent=1, sort_keys=True) + "\n"


def discover(examples: Path) -> list[Path]:
    """Every recipe folder under ``examples``: a contributor adds a folder and nothing else."""
    return sorted(p for p in examples.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))


def load(folder: Path) -> Recipe:
    """Load and check one recipe; raise ``RecipeError`` listing every problem found."""
    for required in ("valohai.yaml", SCENARIO_FILE):
        if not (folder / required).is_file():
            raise RecipeError.at(
                folder, None,
                f"not a recipe: {required} is missing (every folder under examples/ holds "
                f"a valohai.yaml and a {SCENARIO_FILE} that says how to run it)",
            )
    vh = valohai.load(folder / "valohai.yaml")
    source = YamlSource.load(folder / SCENARIO_FILE)
    try:
        spec = ScenarioFile.model_validate(source.data)
    except ValidationError as exc:
        raise RecipeError([_shape_problem(source, error) for error in exc.errors()]) from None
    recipe = Recipe(folder.name, folder, vh, spec, source)
    problems = _meaning_problems(recipe)
    if problems:
        raise RecipeError(problems)
    return recipe


def missing_required(step, supplied: set[str]) -> list[str]:
    """Required variables (``optional: false``, no default) that nothing supplies."""
    return [
        name for name, var in valohai.declared_variables(step).items()
        if not var.optional and var.default is None and name not in supplied
    ]


def _shape_problem(source: YamlSource, error) -> Problem:
    loc = [part for part in error["loc"] if part != "[key]"]
    line = source.line(*loc)
    where = ".".join(str(p) for p in loc) or "file"
    if error["type"] == "extra_forbidden":
        message = f"unknown key '{loc[-1]}'{_did_you_mean(str(loc[-1]), _allowed_keys(loc))}"
    elif error["type"] == "missing":
        message = f"'{loc[-1]}' is required"
    elif error["type"] == "model_type" and not loc:
        message = f"expected a mapping with 'step' and 'scenarios', got {type(error['input']).__name__}"
    else:
        message = f"{where}: {error['msg']}"
    return Problem(source.path, line, message)


def _allowed_keys(loc) -> list[str]:
    model = ScenarioFile
    for part in loc[:-1]:
        field = next((f for n, f in model.model_fields.items() if (f.alias or n) == part), None)
        if field is None:
            continue
        annotation = field.annotation
        inner = getattr(annotation, "__args__", (annotation,))[-1]
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            model = inner
    return [f.alias or n for n, f in model.model_fields.items()]


def _did_you_mean(word: str, options: list[str]) -> str:
    close = difflib.get_close_matches(word, options, n=1)
    return f" (did you mean '{close[0]}'?)" if close else f" (allowed: {', '.join(options)})"


def _meaning_problems(recipe: Recipe) -> list[Problem]:
    """What the schema can't see: names that must exist, variables that must fit the step, outcomes that must
    agree with what the step requires."""
    source, spec, vh = recipe.source, recipe.spec, recipe.valohai
    steps = ", ".join(vh.config.steps) or "none"
    problems = []
    for name, scenario in spec.scenarios.items():
        at = ("scenarios", name)
        if scenario.pipeline:
            found = pipelines.problems(vh.config, scenario.pipeline)
            found += ["a scenario runs a step or a pipeline, not both"] if scenario.step else []
            problems += [Problem(source.path, source.line(*at, "pipeline"), message) for message in found]
            if found:
                continue
        step_name = recipe.step_name(name)
        step = vh.step(step_name) if step_name else None
        if step is None:
            keys = (*at, "step") if scenario.step else ("step",)
            problems.append(Problem(source.path, source.line(*keys),
                                    f"valohai.yaml has no step '{step_name}' (steps: {steps})" if step_name
                                    else f"scenario '{name}' names no step (steps: {steps})"))
            continue
        runs = [n.step for n in pipelines.nodes(vh.config, scenario.pipeline)] if scenario.pipeline else [step]
        problems += _image_problems(recipe, name, scenario, runs)
        if not _SLUG.match(name):
            problems.append(Problem(source.path, source.line(*at),
                                    f"scenario name '{name}' must be lowercase words joined by '-'"))
        checks = (_supply_problems, _input_problems, _outcome_problems, _model_problems, _pip_range_problems,
                  _pipeline_problems)
        problems += [found for check in checks for found in check(recipe, name, scenario, runs)]
    for step_name, rules in spec.lint_finds.items():
        if vh.step(step_name) is None and not (recipe.folder / step_name).is_file():
            problems.append(Problem(source.path, source.line("lint-finds", step_name),
                                    f"valohai.yaml has no step '{step_name}' (steps: {steps}), and the recipe no "
                                    "file of that name"))
        problems += [Problem(source.path, source.line("lint-finds", step_name, i),
                             f"unknown lint rule '{rule}'{_did_you_mean(rule, list(RULES))}")
                     for i, rule in enumerate(rules) if rule not in RULES]
    return problems


def _build_problems(recipe: Recipe, source: YamlSource, at: tuple, build: Build) -> list[Problem]:
    """The Dockerfile is the recipe's and BuildKit reads it; it starts from images the harness can make; roles exist."""
    keys = (*at, "build")
    path = recipe.folder / build.dockerfile
    if not path.is_file():
        return [Problem(source.path, source.line(*keys), f"the recipe has no {build.dockerfile} to build")]
    try:
        instructions = dockerfiles.parse(path)
    except ValueError as exc:
        return [Problem(path, None, f"BuildKit's parser can't read it: {exc}")]
    problems = []
    for name in dockerfiles.base_images(instructions):
        found = image(name)
        if found is None or found.has_uv:
            line = next((i.line for i in instructions if name in i.words or i.flag("from") == name), None)
            buildable = ", ".join(i.name for i in IMAGES if not i.has_uv)
            problems.append(Problem(path, line, f"builds start from the images the harness makes ({buildable}), "
                                                f"not {name}"))
    for kind in ("secrets", "args"):
        for key, role in getattr(build, kind).items():
            problems += _role_problems(source, (*keys, kind, key), role)
    if build.pip_conf is not None:
        problems += _role_problems(source, (*keys, "pip-conf"), build.pip_conf)
    return problems


def _what(scenario: Scenario, steps: list[Step]) -> str:
    return f"pipeline '{scenario.pipeline}'" if scenario.pipeline else f"step '{steps[0].name}'"


def _image_problems(recipe: Recipe, name: str, scenario: Scenario, steps: list[Step]) -> list[Problem]:
    """Images the harness can make, or a Dockerfile it can build; what a built image holds only where one is built."""
    source, vh, at = recipe.source, recipe.valohai, ("scenarios", name)
    if scenario.build is not None and scenario.pipeline:
        return [Problem(source.path, source.line(*at, "build"), "build: goes with a step, not a pipeline")]
    if scenario.build is not None:
        return _build_problems(recipe, source, at, scenario.build)
    problems = [Problem(vh.path, vh.line(*vh.step_keys(step.name), "image"),
                        f"image '{step.image}' can't be emulated: the harness knows {SUPPORTED}; {HOW_TO_ADD} (or "
                        "build it from a Dockerfile: build: in the scenario)")
                for step in steps if image(step.image) is None]
    if scenario.expect.image is not None:
        problems.append(Problem(source.path, source.line(*at, "expect", "image"),
                                "expect.image says what a built image holds: it goes with build:"))
    return problems


def _supply_problems(recipe: Recipe, name: str, scenario: Scenario, steps: list[Step]) -> list[Problem]:
    """Groups the steps list, variables they declare, roles that exist, overrides that are no credentials."""
    source, at, what = recipe.source, ("scenarios", name), _what(scenario, steps)
    problem = lambda keys, message: Problem(source.path, source.line(*keys), message)
    declared = {var: v for step in steps for var, v in valohai.declared_variables(step).items()}
    unset = [var for step in steps for var in missing_required(step, set(scenario.supplied(step)))]
    problems = []
    for group, members in scenario.groups.items():
        if not any(group in step.environment_variable_groups for step in steps):
            problems.append(problem((*at, "groups", group), f"scenario '{name}' supplies group '{group}', which "
                                    f"{what} does not list in environment-variable-groups"))
        for var, role in members.items():
            problems += _role_problems(source, (*at, "groups", group, var), role)
            close = difflib.get_close_matches(var, unset, n=1)
            if var not in declared and close:
                problems.append(problem((*at, "groups", group, var),
                                        f"group '{group}' supplies {var}, which {what} doesn't "
                                        f"declare: did you mean {close[0]}, which it requires and nothing supplies?"))
    for var, role in scenario.variables.items():
        if var not in declared:
            problems.append(problem((*at, "variables", var),
                                    f"scenario '{name}' supplies {var}, which {what} does not declare "
                                    f"in environment-variables (declared: {', '.join(declared) or 'none'})"))
        problems += _role_problems(source, (*at, "variables", var), role)
    for var, value in scenario.overrides.items():
        if not _VARIABLE.match(var):
            problems.append(problem((*at, "overrides", var), f"'{var}' is not a valid variable name"))
        if without_credentials(str(value)) != str(value):
            problems.append(problem((*at, "overrides", var),
                                    "this value holds a user and password; credentials never go in scenario files: "
                                    "supply the variable under variables: with an index role "
                                    "(python -m harness roles)"))
    return problems


def _input_problems(recipe: Recipe, name: str, scenario: Scenario, steps: list[Step]) -> list[Problem]:
    source, at = recipe.source, ("scenarios", name, "inputs")
    inputs = [input_name for step in steps for input_name in step.inputs]
    problems = []
    for input_name, kind in scenario.inputs.items():
        if input_name not in inputs:
            problems.append(Problem(source.path, source.line(*at, input_name),
                                    f"{_what(scenario, steps)} has no input '{input_name}' "
                                    f"(inputs: {', '.join(inputs) or 'none'})"))
        if kind not in INPUT_FILES:
            problems.append(Problem(source.path, source.line(*at, input_name),
                                    f"unknown input file '{kind}'{_did_you_mean(kind, list(INPUT_FILES))}"))
    return problems


def _outcome_problems(recipe: Recipe, name: str, scenario: Scenario, steps: list[Step]) -> list[Problem]:
    """A rejected outcome where a step requires what nothing supplies, and only there."""
    source, vh, at = recipe.source, recipe.valohai, ("scenarios", name)
    problem = lambda keys, message: Problem(source.path, source.line(*keys), message)
    missing = [(step, var) for step in steps for var in missing_required(step, set(scenario.supplied(step)))]
    expect = scenario.expect
    if expect.outcome != "rejected":
        problems = [problem(at, f"scenario '{name}' leaves {var} unset, but step '{step.name}' requires it "
                                f"(optional: false, no default, {vh.path.name} line "
                                f"{vh.line(*vh.variable_keys(step.name, var))}); Valohai refuses to create such an "
                                "execution (write outcome: rejected to show that)") for step, var in missing]
        if expect.rejected_because:
            problems.append(problem((*at, "expect", "rejected-because"), "rejected-because goes with outcome: rejected"))
        return problems
    problems = []
    if not missing:
        problems.append(problem((*at, "expect", "outcome"),
                                f"scenario '{name}' expects Valohai to refuse the execution, but it supplies every "
                                f"variable {_what(scenario, steps)} requires; leave one unset"))
    if not expect.rejected_because:
        problems.append(problem((*at, "expect"), "outcome rejected needs rejected-because: the reason Valohai gives, "
                                                 "e.g. the variable that is missing"))
    if scenario.models:
        problems.append(problem((*at, "models"), "a rejected execution never runs, so no model differs"))
    if scenario.pips:
        problems.append(problem((*at, "pips"), "a rejected execution never runs, so no pip differs"))
    return problems


def _pipeline_problems(recipe: Recipe, name: str, scenario: Scenario, steps: list[Step]) -> list[Problem]:
    """secret-free names nodes of the scenario's pipeline."""
    source, at = recipe.source, ("scenarios", name, "expect", "secret-free")
    nodes = [n.name for n in pipelines.nodes(recipe.valohai.config, scenario.pipeline)] if scenario.pipeline else []
    return [Problem(source.path, source.line(*at, i), f"secret-free names pipeline nodes, and "
                                                      f"{_what(scenario, steps)} has no node '{node}' "
                                                      f"(nodes: {', '.join(nodes) or 'none'})")
            for i, node in enumerate(scenario.expect.secret_free) if node not in nodes]


def _model_problems(recipe: Recipe, name: str, scenario: Scenario, steps: list[Step]) -> list[Problem]:
    """Models that exist, and packages the catalogue has, in the expectations and in each model's changes."""
    source, at = recipe.source, ("scenarios", name)
    problems = [Problem(source.path, source.line(*at, "models", model),
                        f"unknown execution model '{model}'{_did_you_mean(model, list(models.BY_NAME))}")
                for model in scenario.models if model not in models.BY_NAME]
    problems += _expectation_problems(source, at, scenario.expect)
    for model, override in scenario.models.items():
        if model in models.BY_NAME:
            only_changes = Expect(outcome="success", installed=override.installed or {},
                                  **{"not-installed": override.not_installed or []})
            problems += _expectation_problems(source, (*at, "models", model), only_changes, "")
    return problems


def _pip_range_problems(recipe: Recipe, name: str, scenario: Scenario, steps: list[Step]) -> list[Problem]:
    """Each range is a version range that takes in pips of the matrix, not the pinned one, and no two share one."""
    source, at = recipe.source, ("scenarios", name)
    problems, claimed = [], {}
    for key, override in scenario.pips.items():
        keys = (*at, "pips", key)
        if pip_versions.parse_range(key) is None:
            problems.append(Problem(source.path, source.line(*keys),
                                    f"'{key}' is not a pip version range (write e.g. '<22.2' or '>=22.2,<26.2')"))
            continue
        covered = pip_versions.covered(key)
        if not covered:
            problems.append(Problem(source.path, source.line(*keys), f"pips '{key}' takes in no pip of the matrix "
                                    f"({', '.join(pip_versions.MATRIX)}): nothing would check it"))
        if pip_versions.PINNED in covered:
            problems.append(Problem(source.path, source.line(*keys), f"pips '{key}' takes in the pinned pip "
                                    f"{pip_versions.PINNED}, whose results are the scenario's own expect"))
        for version in covered:
            if version in claimed:
                problems.append(Problem(source.path, source.line(*keys),
                                        f"pips '{key}' and '{claimed[version]}' both take in pip {version}"))
            claimed.setdefault(version, key)
        only_changes = Expect(outcome="success", installed=override.installed or {},
                              **{"not-installed": override.not_installed or []})
        problems.extend(_expectation_problems(source, keys, only_changes, ""))
    return problems


def _role_problems(source: YamlSource, keys: tuple, role: str) -> list[Problem]:
    if role in ROLES:
        return []
    if "://" in role or "@" in role:
        what = "a URL" if "://" in role else "a credential"
        return [Problem(source.path, source.line(*keys),
                        f"this looks like {what}; scenarios name an index role instead (values are never written "
                        f"in scenario files; roles: python -m harness roles)")]
    spelled = difflib.get_close_matches(role, list(ROLES), n=1)
    words = [w for w in re.split(r"[-_ ]+", role.lower()) if len(w) > 3]
    described = [r.name for r in ROLES.values() if r.name not in spelled
                 and sum(w in r.description.lower() for w in words) >= max(1, len(words) - 1)][:3]
    hints = ([f"did you mean '{spelled[0]}'?"] if spelled else []) + \
        ([f"roles whose description fits: {', '.join(described)}"] if described else [])
    return [Problem(source.path, source.line(*keys), f"unknown index role '{role}'"
                    + (f" ({'; '.join(hints)})" if hints else ""),
                    "python -m harness roles lists every role with what it stands for")]


def _expectation_problems(source: YamlSource, at: tuple, expect: Expect, key: str = "expect") -> list[Problem]:
    """Packages, versions and package sets the catalogue really has; ``at + key`` is where ``expect`` is."""
    problems = []
    known = catalogue.all_projects()
    sets = [s.name for s in catalogue.PACKAGE_SETS]
    where = (*at, key) if key else at

    def check_project(keys, project) -> bool:
        if project in known:
            return True
        close = difflib.get_close_matches(project, sorted(known), n=1)
        hint = f"did you mean '{close[0]}'?" if close else "a Dist line in harness/catalogue.py adds it"
        problems.append(Problem(source.path, source.line(*keys), f"the catalogue has no package '{project}' "
                                f"({hint}) — python -m harness packages lists them all"))
        return False

    for project, text in expect.installed.items():
        keys = (*where, "installed", project)
        if not check_project(keys, project):
            continue
        provenance = Provenance.parse(text)
        if provenance is None:
            problems.append(Problem(source.path, source.line(*keys),
                                    f"write '<version> from <package set>', e.g. '1.0.0 from private', not '{text}'"))
        elif provenance.package_set not in sets:
            problems.append(Problem(source.path, source.line(*keys),
                                    f"unknown package set '{provenance.package_set}' (the sets stubs are built "
                                    f"from: {', '.join(sets)})"))
        elif provenance.version not in (served := catalogue.package_set(provenance.package_set).versions(project)):
            problems.append(Problem(source.path, source.line(*keys),
                                    f"the {provenance.package_set} package set has {project} "
                                    f"{', '.join(served) or 'in no version'}, not {provenance.version}"))
    for i, project in enumerate(expect.not_installed):
        check_project((*where, "not-installed", i), project)
    return problems
