"""Recipes: ``examples/<slug>/`` folders with a valohai.yaml and a scenarios.yaml.

A scenario file says which step to run, what the project supplies (by index
*role*, never by URL) and what must happen. Its shape is checked by pydantic,
its meaning (roles, packages, versions, variables the step declares) here;
every problem is reported with its file and line before anything runs.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from harness import catalogue, valohai
from harness.errors import Problem, RecipeError
from harness.roles import ROLES
from harness.images import SUPPORTED, emulation_of
from harness.lint import RULES
from harness.yamlsource import YamlSource

SCENARIO_FILE = "scenarios.yaml"
LOGS_DIR = "logs"
HARNESS_FILES = (SCENARIO_FILE, LOGS_DIR)  # the harness's own files, not part of the repository
DEFAULT_TIME_LIMIT = 60.0

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_VARIABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_INSTALLED = re.compile(r"^(?P<version>\S+) from (?P<index>\S+)$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=False, frozen=True)


class Expect(_Strict):
    outcome: Literal["success", "failure", "timed-out"]
    installed: dict[str, str] = {}
    not_installed: list[str] = Field(default=[], alias="not-installed")
    log: list[str] = []
    not_in_log: list[str] = Field(default=[], alias="not-in-log")
    index_answered: list[int] = Field(default=[], alias="index-answered")  # HTTP statuses, seen server-side
    secret_leaks: bool = Field(default=False, alias="secret-leaks")  # the scenario shows a leak on purpose


class Scenario(_Strict):
    description: str
    step: str | None = None  # defaults to the file's step
    groups: dict[str, dict[str, str]] = {}  # organization variable groups: group ID -> {variable: role}
    variables: dict[str, str] = {}  # project variables: variable -> role
    overrides: dict[str, str] = {}  # values given when creating the execution
    squatter_on_pypi: bool = Field(default=False, alias="squatter-on-pypi")
    time_limit: float = Field(default=DEFAULT_TIME_LIMIT, alias="time-limit", gt=0, le=600)
    expect: Expect

    def supplied(self) -> dict[str, str]:
        """Every variable the scenario supplies by role, organization groups first, then the project's."""
        merged = {var: role for members in self.groups.values() for var, role in members.items()}
        return merged | self.variables


class ScenarioFile(_Strict):
    step: str | None = None
    scenarios: dict[str, Scenario] = Field(min_length=1)
    # Mistakes a recipe shows on purpose: step name -> lint rules that must find them (harness.lint).
    lint_finds: dict[str, list[str]] = Field(default={}, alias="lint-finds")


@dataclass(frozen=True)
class Provenance:
    version: str
    index: str

    @classmethod
    def parse(cls, text: str) -> Provenance | None:
        match = _INSTALLED.match(text.strip())
        return cls(match["version"], match["index"]) if match else None

    def __str__(self) -> str:
        return f"{self.version} from {self.index}"


@dataclass
class Recipe:
    slug: str
    folder: Path
    valohai: valohai.ValohaiFile
    spec: ScenarioFile
    source: YamlSource

    def step_name(self, scenario: str) -> str:
        return self.scenarios[scenario].step or self.spec.step

    def step(self, scenario: str):
        return self.valohai.step(self.step_name(scenario))

    @property
    def scenarios(self) -> dict[str, Scenario]:
        return self.spec.scenarios

    def log_path(self, scenario: str) -> Path:
        """Where the guide's copy of this scenario's log is committed."""
        return self.folder / LOGS_DIR / f"{scenario}.log"

    @property
    def refresh_command(self) -> str:
        """The command that rewrites this recipe's committed logs."""
        return f"python -m harness run examples/{self.slug} --update-logs"

    def installed_expectations(self, scenario: Scenario) -> dict[str, Provenance]:
        return {name: Provenance.parse(text) for name, text in scenario.expect.installed.items()}

    def files(self) -> list[Path]:
        """The recipe's own files (what the guide shows and the repository holds)."""
        return sorted(
            p for p in self.folder.rglob("*")
            if p.is_file() and p.relative_to(self.folder).parts[0] not in HARNESS_FILES
            and "__pycache__" not in p.parts
        )


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
    source, spec, vh = recipe.source, recipe.spec, recipe.valohai
    problem = lambda keys, message: Problem(source.path, source.line(*keys), message)  # noqa: E731
    problems = []
    steps = ", ".join(vh.config.steps) or "none"
    for name, scenario in spec.scenarios.items():
        at = ("scenarios", name)
        step_name = recipe.step_name(name)
        step = vh.step(step_name) if step_name else None
        if step is None:
            keys = (*at, "step") if scenario.step else ("step",)
            problems.append(problem(keys, f"valohai.yaml has no step '{step_name}' (steps: {steps})"
                                    if step_name else f"scenario '{name}' names no step (steps: {steps})"))
            continue
        if emulation_of(step.image) is None:
            problems.append(Problem(
                vh.path, vh.step_line(step.name),
                f"image '{step.image}' can't be emulated: the harness runs {SUPPORTED}",
            ))
        declared = valohai.declared_variables(step)
        if not _SLUG.match(name):
            problems.append(problem(at, f"scenario name '{name}' must be lowercase words joined by '-'"))
        for group, members in scenario.groups.items():
            if group not in step.environment_variable_groups:
                problems.append(problem(
                    (*at, "groups", group),
                    f"scenario '{name}' supplies group '{group}', which step '{step.name}' does not list "
                    "in environment-variable-groups",
                ))
            for var, role in members.items():
                if role not in ROLES:
                    problems.append(problem(
                        (*at, "groups", group, var),
                        f"unknown index role '{role}'{_did_you_mean(role, list(ROLES))}",
                    ))
        for var, role in scenario.variables.items():
            if var not in declared:
                problems.append(problem(
                    (*at, "variables", var),
                    f"scenario '{name}' supplies {var}, which step '{step.name}' does not declare "
                    f"in environment-variables (declared: {', '.join(declared) or 'none'})",
                ))
            if role not in ROLES:
                problems.append(problem(
                    (*at, "variables", var),
                    f"unknown index role '{role}'{_did_you_mean(role, list(ROLES))}",
                ))
        for var in scenario.overrides:
            if not _VARIABLE.match(var):
                problems.append(problem((*at, "overrides", var), f"'{var}' is not a valid variable name"))
        for var in missing_required(step, set(scenario.supplied())):
            problems.append(problem(
                (*at,),
                f"scenario '{name}' leaves {var} unset, but step '{step.name}' requires it "
                f"(optional: false, no default, {vh.path.name} line "
                f"{vh.source.line(*_variable_keys(vh, step.name, var))}); "
                "Valohai refuses to create such an execution",
            ))
        problems.extend(_expectation_problems(source, at, scenario.expect))
    for step_name, rules in spec.lint_finds.items():
        if vh.step(step_name) is None:
            problems.append(problem(("lint-finds", step_name), f"valohai.yaml has no step '{step_name}' (steps: {steps})"))
        for i, rule in enumerate(rules):
            if rule not in RULES:
                problems.append(problem(("lint-finds", step_name, i), f"unknown lint rule '{rule}'{_did_you_mean(rule, list(RULES))}"))
    return problems


def _expectation_problems(source: YamlSource, at: tuple, expect: Expect) -> list[Problem]:
    problems = []
    known = catalogue.all_projects()
    repositories = [r.name for r in catalogue.REPOSITORIES]

    def check_project(keys, project) -> bool:
        if project in known:
            return True
        problems.append(Problem(
            source.path, source.line(*keys),
            f"the catalogue has no package '{project}'{_did_you_mean(project, sorted(known))}",
        ))
        return False

    for project, text in expect.installed.items():
        keys = (*at, "expect", "installed", project)
        if not check_project(keys, project):
            continue
        provenance = Provenance.parse(text)
        if provenance is None:
            problems.append(Problem(source.path, source.line(*keys),
                                    f"write '<version> from <index>', e.g. '1.0.0 from private', not '{text}'"))
        elif provenance.index not in repositories:
            problems.append(Problem(source.path, source.line(*keys),
                                    f"unknown index '{provenance.index}' (indexes that build packages: "
                                    f"{', '.join(repositories)})"))
        elif provenance.version not in (served := catalogue.repository(provenance.index).versions(project)):
            problems.append(Problem(source.path, source.line(*keys),
                                    f"the {provenance.index} index serves {project} "
                                    f"{', '.join(served) or 'in no version'}, not {provenance.version}"))
    for i, project in enumerate(expect.not_installed):
        check_project((*at, "expect", "not-installed", i), project)
    return problems


def _variable_keys(vh: valohai.ValohaiFile, step_name: str, var: str) -> tuple:
    for index, item in enumerate(vh.source.data):
        step = item.get("step") if isinstance(item, dict) else None
        if step and step.get("name") == step_name:
            for j, declared in enumerate(step.get("environment-variables") or []):
                if declared.get("name") == var:
                    return (index, "step", "environment-variables", j)
            return (index, "step")
    return ()
