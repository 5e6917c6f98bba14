"""Each recipe's table of what held under which pip (``logs/pip-matrix.json``): its cells, the verdicts of a run under
another pip or uv, how a log differs, reading and writing the table.

A scenario's expectations are the pinned pip's. Under another pip they must
hold as written, or as its ``pips:`` declaration changes them for that pip's
range (``recipes.PipExpect``). Each recipe's table, ``logs/pip-matrix.json``,
records per scenario and pip the outcome, whether the scenario's own
expectations held, the declaration that applied, and how the log differs from
the pinned pip's (the committed log's stable lines, without pip's upgrade
notices and traceback frames, the order of packages in pip's lists and object
addresses normalized). The pages render it; a fresh run must reproduce it, as
committed logs must. Reading it starts nothing: the site imports this module.
uv has no table: a run under the older uv must read as the pinned uv's.
"""

from __future__ import annotations

import itertools
import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from harness import checks, logs, pip_versions, recipes
from harness.checks import Evidence, Verdict
from harness.recipes import Plan, Recipe
from preflight import dockerfiles, models

MODEL = models.DEFAULT  # the matrix runs under the default execution model only
TABLE = "pip-matrix.json"
REFRESH = "python -m harness matrix examples/{slug} --update"
# pip's upgrade notice, as pips since 21.2 print it and as older ones do: every pip but the newest prints it, against
# real PyPI as here, so it says nothing about the recipe.
_NOTICE = re.compile(r"^(\[notice\] |WARNING: You are using pip version |You should consider upgrading via )")
_FRAME = re.compile(r'^\s+File ".*", line \d+, in ')
# Older pips list what they install in no fixed order (it changes from run to run). (urllib3 1.26's object
# addresses are already out: logs.stable_lines takes them out of every log.)
_PACKAGE_LIST = re.compile(r"^(?P<what>Installing collected packages: |Successfully installed )(?P<names>.*)$")


@dataclass(frozen=True)
class Cell:
    """One scenario under one pip, as the table keeps it."""

    outcome: str  # success | failure | timed-out
    holds: bool  # the scenario's own expectations (the pinned pip's) held
    declared: str | None  # the scenario's pips: range that took in this pip
    log: tuple[str, ...]  # "- line" / "+ line": how the log differs from the pinned pip's

    def to_json(self) -> dict:
        return {"outcome": self.outcome, "holds": self.holds, "declared": self.declared, "log": list(self.log)}

    @classmethod
    def from_json(cls, data: dict) -> Cell:
        return cls(data["outcome"], data["holds"], data["declared"], tuple(data["log"]))


def comparable_lines(log: str) -> list[str]:
    """A log's stable lines (``logs.stable_lines``), without upgrade notices and traceback frames, package lists
    sorted."""
    lines, in_frame = [], False
    for line in logs.stable_lines(logs.split_header(log)[1]):
        if _FRAME.match(line):
            in_frame = True
            continue
        if in_frame and line.startswith("    "):
            continue
        in_frame = False
        if _NOTICE.match(line):
            continue
        if listed := _PACKAGE_LIST.match(line):
            separator = ", " if listed["what"].startswith("Installing") else " "
            line = listed["what"] + separator.join(sorted(listed["names"].split(separator)))
        lines.append(line)
    return lines


def log_difference(reference: str, fresh: str) -> tuple[str, ...]:
    """The lines only one of the two logs has: ``-`` the pinned pip's, then ``+`` this pip's.

    Counted as multisets, not aligned: older pips print some lines (what they collect) in an order
    that changes from run to run, and a line that only moved is no difference. Runs of lines that
    start with the same word are sorted, for the same reason.
    """
    old, new = comparable_lines(reference), comparable_lines(fresh)
    only_old, only_new = Counter(old) - Counter(new), Counter(new) - Counter(old)
    return (*(f"- {line}" for line in _sorted_runs(_take(old, only_old))),
            *(f"+ {line}" for line in _sorted_runs(_take(new, only_new))))


def apply_difference(reference: str, difference: tuple[str, ...] | list[str]) -> list[str]:
    """Another pip's log as a cell records it: the pinned pip's comparable lines, less its ``-`` lines, with the
    ``+`` lines after them (``log_difference`` doesn't keep where they were)."""
    removed = Counter(line[2:] for line in difference if line.startswith("- "))
    kept = [line for line in comparable_lines(reference) if not _taken(removed, line)]
    return kept + [line[2:] for line in difference if line.startswith("+ ")]


def _taken(wanted: Counter, line: str) -> bool:
    if wanted[line] > 0:
        wanted[line] -= 1
        return True
    return False


def _take(lines: list[str], wanted: Counter) -> list[str]:
    wanted, taken = Counter(wanted), []
    for line in lines:
        if wanted[line] > 0:
            wanted[line] -= 1
            taken.append(line)
    return taken


def _sorted_runs(lines: list[str]) -> list[str]:
    """Runs of lines that start with the same word sorted, each with the indented lines under it (``pip wheel``
    prints ``Saved …`` under each ``Collecting …``)."""
    units: list[list[str]] = []
    for line in lines:
        if line.startswith(" ") and line.strip() and units and not units[-1][0].startswith(" "):
            units[-1].append(line)
        else:
            units.append([line])
    first_word = lambda unit: unit[0].split(" ", 1)[0] if unit[0].strip() else ""
    return [line for _, run in itertools.groupby(units, key=first_word) for unit in sorted(run) for line in unit]


# pip run as a command (pip, pip3, pip3.12, python -m pip), not uv's own "uv pip" nor a name that contains "pip".
_RUNS_PIP = re.compile(r"(?<![\w./$-])(?<!uv )pip[\d.]*(?![\w-])")


def runs_pip(plan: Plan) -> bool:
    """The step runs pip, or a RUN step of the image the scenario builds does."""
    build = plan.scenario.build
    if build is None or not (plan.recipe.folder / build.dockerfile).is_file():
        return bool(_RUNS_PIP.search(plan.script))
    runs = [i.command for i in dockerfiles.parse(plan.recipe.folder / build.dockerfile) if i.keyword == "RUN"]
    return any(_RUNS_PIP.search(text) for text in (plan.script, *runs))


def matrix_plans(recipe: Recipe) -> list[Plan]:
    """The recipe's scenarios under the matrix's model that run pip: a rejected execution, or one that runs only
    uv or curl, is the same under every pip."""
    return [p for p in recipe.plans(under=(MODEL,)) if p.expect.outcome != "rejected" and runs_pip(p)]


def pip_plans(recipe: Recipe, versions: tuple[str, ...] = pip_versions.MATRIX) -> list[Plan]:
    """Each of those scenarios under each of ``versions``: the pinned pip's cells are in the table too."""
    return [recipe.plan(p.name, MODEL, pip=v) for v in versions for p in matrix_plans(recipe)]


# uv run as a command (uv, uvx), as a word of its own: not "uv" inside a path or a name.
_RUNS_UV = re.compile(r"(?<![\w./$-])uvx?(?![\w./-])")


def uv_plans(recipe: Recipe, version: str = pip_versions.OLDER_UV.version) -> list[Plan]:
    """The recipe's scenarios under the matrix's model that run uv in an image that has it, under uv ``version``."""
    return [recipe.plan(p.name, MODEL, uv=version) for p in recipe.plans(under=(MODEL,))
            if p.expect.outcome != "rejected" and p.image.has_uv and _RUNS_UV.search(p.script)]


def pip_verdicts(plan: Plan, verdicts: list[Verdict], evidence: Evidence, log: str) -> tuple[list[Verdict], Cell]:
    """A run under another pip: its own verdicts (``plan.expect`` holds what its declared range changes), whether the
    scenario's own expectations held, whether a difference is declared, and whether the table says what it gives."""
    version, pinned = plan.pip, plan.recipe.plan(plan.name, plan.model)
    own = checks.judge(pinned, evidence)
    holds = all(v.passed for v in own)
    declared = plan.scenario.pip_range(version)
    verdicts = list(verdicts)
    if declared is None and not holds:
        verdicts.insert(0, Verdict(False, f"pip {version} gives what the scenario expects",
                                   undeclared(plan, next(v for v in own if not v.passed), evidence)))
    if declared is not None:
        verdicts.append(Verdict(not holds, f"pip {version} differs as pips '{declared}' declares",
                                "" if not holds else f"the scenario's own expectations hold under pip {version}: "
                                                     f"remove '{declared}' from pips:, or narrow it so that it "
                                                     f"leaves {version} out"))
    reference = pinned.log_path.read_text() if pinned.log_path.is_file() else ""
    cell = Cell(evidence.completed.outcome, holds, declared, log_difference(reference, log))
    verdicts.append(committed_cell(plan, version, cell))
    return verdicts, cell


def undeclared(plan: Plan, failed: Verdict, evidence: Evidence) -> str:
    """What to write under ``pips:`` when another pip is right to differ."""
    outcome = evidence.completed.outcome
    telling = next(iter(logs.telling_lines(evidence.log)), None)
    keys = [f"outcome: {outcome}"] if outcome != plan.expect.outcome else []
    keys += [f'log: ["{telling}"]'] if telling else []
    lines = [f'      "=={plan.pip}":  # or a range such as "<{plan.pip}.1"',
             f"        because: <why pip {plan.pip} differs, as the recipe's page should say it>",
             *(f"        {key}" for key in keys or ["<the keys of expect that differ>"])]
    return (f"an undeclared difference ({failed}). If pip {plan.pip} is right, declare it under scenario "
            f"'{plan.name}' in {plan.recipe.slug}/scenarios.yaml:\n    pips:\n" + "\n".join(lines))


def uv_verdict(plan: Plan, log: str) -> Verdict:
    """A run under the older uv must read as the pinned uv's committed log does."""
    pinned = plan.recipe.plan(plan.name, plan.model)
    reference = pinned.log_path.read_text() if pinned.log_path.is_file() else ""
    difference = log_difference(reference, log)
    return Verdict(not difference, f"the log reads as under the pinned uv {pip_versions.PINNED_UV}",
                   "it differs in: " + "; ".join(difference[:6]))


def table_path(recipe: Recipe) -> Path:
    return recipe.folder / recipes.LOGS_DIR / TABLE


def load_table(recipe: Recipe) -> dict | None:
    path = table_path(recipe)
    return json.loads(path.read_text()) if path.is_file() else None


def committed_cell(plan: Plan, version: str, cell: Cell) -> Verdict:
    """The table the pages show must still be what a fresh run gives."""
    recipe = plan.recipe
    expectation = f"the committed {recipe.slug}/logs/{TABLE} is current for {plan.name} under pip {version}"
    refresh = REFRESH.format(slug=recipe.slug)
    table = load_table(recipe)
    committed = ((table or {}).get("scenarios", {}).get(plan.name, {})).get(version)
    if committed is None:
        return Verdict(False, expectation, f"it has no entry for it; refresh with: {refresh}")
    if Cell.from_json(committed) == cell:
        return Verdict(True, expectation)
    return Verdict(False, expectation, f"it says {json.dumps(committed)}, the run gives {json.dumps(cell.to_json())}; "
                                       f"refresh with: {refresh}")


def table_verdict(recipe: Recipe) -> Verdict:
    """The table covers exactly the recipe's scenarios and the matrix's pips, under the matrix's model, and each
    cell names the ``pips:`` range the scenario file declares for its pip. It reads files only, runs no pip: the
    default suite checks it for every recipe, so a table a change left stale shows before the matrix runs."""
    table = load_table(recipe)
    if not matrix_plans(recipe):
        return Verdict(table is None, f"{recipe.slug} runs no pip, so it has no {TABLE}",
                       f"delete {recipe.slug}/logs/{TABLE}")
    expectation = f"{recipe.slug}/logs/{TABLE} covers every scenario under every pip of the matrix"
    refresh = REFRESH.format(slug=recipe.slug)
    if table is None:
        return Verdict(False, expectation, f"it is missing; create it with: {refresh}")
    problems = []
    if table.get("model") != MODEL.name or table.get("pips") != list(pip_versions.MATRIX):
        problems.append(f"it is for {table.get('model')} and pips {table.get('pips')}, "
                        f"not {MODEL.name} and {list(pip_versions.MATRIX)}")
    names = [p.name for p in matrix_plans(recipe)]
    scenarios = table.get("scenarios", {})
    if list(scenarios) != names:
        problems.append(f"it has scenarios {list(scenarios)}, the recipe {names}")
    problems += [f"{name} lacks pips {missing}" for name, cells in scenarios.items()
                 if (missing := [v for v in pip_versions.MATRIX if v not in cells])]
    problems += [f"{name} under pip {version} was judged under pips {cell.get('declared')!r}, the scenario file now "
                 f"declares {declared!r}" for name, cells in scenarios.items() if name in recipe.scenarios
                 for version, cell in cells.items()
                 if cell.get("declared") != (declared := recipe.scenarios[name].pip_range(version))]
    return Verdict(not problems, expectation, "; ".join(problems) + (f"; refresh with: {refresh}" if problems else ""))


def write_table(recipe: Recipe, cells: dict[tuple[str, str], Cell]) -> Path:
    """Merge fresh ``cells`` ((scenario, pip) → cell) into the recipe's table, dropping what the recipe no longer has."""
    old = (load_table(recipe) or {}).get("scenarios", {})
    scenarios = {}
    for plan in matrix_plans(recipe):
        row = {}
        for version in pip_versions.MATRIX:
            fresh = cells.get((plan.name, version))
            kept = old.get(plan.name, {}).get(version)
            if fresh is not None:
                row[version] = fresh.to_json()
            elif kept is not None:
                row[version] = kept
        scenarios[plan.name] = row
    table = {"model": MODEL.name, "pips": list(pip_versions.MATRIX), "scenarios": scenarios}
    path = table_path(recipe)
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(table, indent=1, ensure_ascii=False) + "\n")
    return path
