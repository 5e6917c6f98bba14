"""``python -m harness``: check and run recipes as the tests do, refresh what they commit, list what scenarios name.

``run`` is the one loop: every plan of the recipes given, under the pinned pip
and uv, or another pip (``--pip``, ``--pips all``) or uv (``--uv``), each run by
``runner.run``. ``--update`` writes what the runs give: the logs (the pinned pip),
the pip tables (another pip). ``update`` refreshes every committed file at once:
logs, tables and the explain rules. ``matrix`` and ``matrix-uv`` are ``run``
under every pip of the matrix, and under the older uv; ``matrix-gather`` merges
what ``pytest --pip-matrix --pip-matrix-results DIR`` wrote, for CI's jobs.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import tempfile
from pathlib import Path

import preflight.cli
from harness import catalogue, explain_rules, fetch, pip_versions, recipes, runner, tables
from harness.errors import BuilderError, IndexHostError, ToolsetError
from harness.execution import ExecutionError
from harness.topology import ROLES
from harness.wheels import build_wheel, sha256
from preflight import models
from preflight.errors import RecipeError, shown_path

EXAMPLES = pip_versions.ROOT / "examples"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["lint"]:  # the preflight has its own options
        return preflight.cli.main(argv[1:], prog="python -m harness lint")
    args = _parser().parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so `finally` cleans up
    try:
        return _command(args)
    except RecipeError as exc:
        print(exc, file=sys.stderr)
        return 2
    except (IndexHostError, ExecutionError, BuilderError, FileNotFoundError) as exc:
        print(f"harness: {exc}", file=sys.stderr)
        return 3


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m harness", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="lint the given recipe folders, then run every scenario under every model")
    _recipes(run, "+")
    run.add_argument("-s", "--scenario", action="append", help="run only this scenario (repeatable)")
    run.add_argument("-m", "--model", action="append", choices=list(models.BY_NAME),
                     help="run only under this execution model (repeatable; default: all)")
    run.add_argument("--pip", action="append", choices=[*pip_versions.MATRIX, "all"],
                     help="run under this pip of the matrix instead of the pinned one (repeatable; all: every one)")
    run.add_argument("--uv", choices=[pip_versions.OLDER_UV.version],
                     help="run the scenarios that run uv under this uv instead of the pinned one")
    run.add_argument("--keep", action="store_true", help="keep each execution's sandbox for inspection")
    run.add_argument("--update", "--update-logs", action="store_true",
                     help="write what passing runs give: logs (pinned pip), logs/pip-matrix.json (--pip)")
    update = commands.add_parser("update", help="refresh every committed file: logs, pip tables, the explain rules")
    _recipes(update, "*")
    matrix = commands.add_parser("matrix", help="run every scenario that runs pip under every pip of the matrix")
    _recipes(matrix, "*")
    matrix.add_argument("-p", "--pip", action="append", choices=list(pip_versions.MATRIX),
                        help="only under this pip (repeatable)")
    matrix.add_argument("--update", action="store_true", help="write each recipe's logs/pip-matrix.json")
    uv = commands.add_parser("matrix-uv", help=f"run every scenario that runs uv under uv "
                                               f"{pip_versions.OLDER_UV.version} (the pinned is {pip_versions.PINNED_UV})")
    _recipes(uv, "*")
    gather = commands.add_parser("matrix-gather", help="merge pytest --pip-matrix-results files into the tables")
    gather.add_argument("results", nargs="+", type=Path, metavar="DIR", help="folders of results files")
    gather.add_argument("--update", action="store_true", help="write the tables (else only compare)")
    check = commands.add_parser("check", help="validate and lint recipe folders without running them")
    _recipes(check, "+")
    commands.add_parser("lint", add_help=False,
                        help="the preflight of any valohai.yaml (valohai-preflight); --help for its options")
    commands.add_parser("roles", help="list the index roles a scenario can name, with what each stands for")
    commands.add_parser("packages", help="list the stub packages each package set builds")
    hashes = commands.add_parser("hashes", help="print --hash lines for the catalogue's stub wheels")
    hashes.add_argument("projects", nargs="*", help="only these projects")
    commands.add_parser("fetch", help="set-up: the pip matrix's wheels, the older uv and the Node tools the tests "
                                      "need, from the registries, once")
    rules = commands.add_parser("explain-rules", help="check that preflight/explain_rules.json, the rules that send a "
                                                      "log to its section, is derived from the committed logs")
    rules.add_argument("--update", action="store_true", help="write it")
    return parser


def _recipes(parser, count: str) -> None:
    parser.add_argument("recipes", nargs=count, type=Path, metavar="examples/<slug>",
                        help="recipe folders" + (" (default: every recipe)" if count == "*" else ""))


def _command(args) -> int:
    listing = {"roles": _roles, "packages": _packages, "fetch": fetch.main}
    if args.command in listing:
        return listing[args.command]()
    if args.command == "hashes":
        return _hashes(args.projects)
    if args.command == "explain-rules":
        return explain_rules.main(args.update)
    if args.command == "matrix-gather":
        return gather(args.results, args.update)
    loaded = [recipes.load(folder) for folder in args.recipes or recipes.discover(EXAMPLES)]
    if args.command == "check":
        return _check(loaded)
    if args.command == "update":
        recipes.SCHEMA.write_text(recipes.schema_text())
        print(f"wrote {shown_path(recipes.SCHEMA)}")
        logs = run(loaded, update=True)
        matrix = run(loaded, pips=pip_versions.MATRIX, update=True)
        return max(logs, matrix, explain_rules.main(update=True))
    if args.command == "matrix":
        return run(loaded, pips=tuple(args.pip or pip_versions.MATRIX), update=args.update)
    if args.command == "matrix-uv":
        return run(loaded, uv=pip_versions.OLDER_UV.version)
    pips = pip_versions.MATRIX if "all" in (args.pip or ()) else tuple(args.pip or ())
    return run(loaded, args.scenario, args.model, pips, args.uv, args.keep, args.update)


def plans_of(recipe: recipes.Recipe, only: list[str] | None, model_names: list[str] | None, pips: tuple[str, ...],
             uv: str | None) -> list[recipes.Plan]:
    """The plans one ``run`` makes of a recipe: its scenarios under the models, or under the pips, or the uv."""
    if pips:
        plans = tables.pip_plans(recipe, pips)
    elif uv:
        plans = tables.uv_plans(recipe, uv)
    else:
        under = tuple(models.BY_NAME[name] for name in model_names) if model_names else models.MODELS
        return recipe.plans(only, under)
    return [p for p in plans if not only or p.name in only]


def run(loaded: list[recipes.Recipe], only: list[str] | None = None, model_names: list[str] | None = None,
        pips: tuple[str, ...] = (), uv: str | None = None, keep: bool = False, update: bool = False) -> int:
    """Run every plan of ``loaded`` in one lab, print each report, and sum up; with ``update``, write what they give."""
    for recipe in loaded:
        unknown = set(only or ()) - set(recipe.scenarios)
        if unknown and len(loaded) == 1:
            raise RecipeError.at(recipe.source.path, None, f"no scenario {', '.join(sorted(unknown))} "
                                 f"(scenarios: {', '.join(recipe.scenarios)})")
    lint_failures = [] if pips or uv else [
        f"{shown_path(r.folder)}::lint: {v}" for r in loaded for v in runner.lint_verdicts(r) if not v.passed]
    from harness.lab import Lab  # starts servers: only the commands that run executions import it

    results, not_run = [], []
    with Lab() as lab:
        for recipe in loaded:
            cells = {}
            for plan in plans_of(recipe, only, model_names, pips, uv):
                try:
                    done = runner.run(lab, plan, keep=keep, update_log=update)
                except ToolsetError as exc:
                    not_run.append(f"{plan.recipe.slug}::{plan.id}: {exc}")
                    continue
                print(done.report() if not done.passed or not (pips or uv) else _line(done), flush=True)
                results.append(done)
                if done.cell is not None:
                    cells[(plan.name, plan.pip)] = done.cell
            if update and pips and tables.matrix_plans(recipe):
                print(f"wrote {shown_path(tables.write_table(recipe, cells))}")
    return _summary(results, lint_failures, not_run, pips, uv, update)


def _line(done: runner.ScenarioRun) -> str:
    """One line for a run under another pip or uv that passed."""
    plan, cell = done.plan, done.cell
    if cell is None:
        return f"uv {plan.uv:8} {plan.recipe.slug}::{plan.name}: {done.completed.outcome}, as under the pinned uv"
    return (f"pip {plan.pip:8} {plan.recipe.slug}::{plan.name}: {cell.outcome}, "
            f"{'holds' if cell.holds else 'differs as declared'}"
            f"{f', log differs in {len(cell.log)} line(s)' if cell.log else ''}")


def _summary(results: list[runner.ScenarioRun], lint_failures: list[str], not_run: list[str], pips: tuple[str, ...],
             uv: str | None, update: bool) -> int:
    # Under --update, a table that doesn't say what a pip gives is what the run rewrites, not a failure.
    stale_table = (lambda v: update and "is current for" in v.expectation) if pips else (lambda v: False)
    failed = [r for r in results if any(not v.passed and not stale_table(v) for v in r.verdicts)
              or any(not m.passed for m in r.made)]
    derived = sum(len(r.derived) for r in results)
    executions = sum(r.executions for r in results)
    where = f" under pip {', '.join(pips)}" if pips else f" under uv {uv}" if uv else ""
    lines = [f"{len(results)} run(s){where}: {len(results) - len(failed)} passed, {len(failed)} failed; "
             f"{executions} execution(s), {derived} run(s) derived from another"]
    lines += [f"  FAILED {shown_path(r.plan.recipe.folder)}::{r.plan.id} — {r.first_failure}" for r in failed]
    lines += [f"  NOT RUN {line}" for line in not_run]
    lines += [line for line in lint_failures] + ([f"  lint: {len(lint_failures)} problem(s)"] if lint_failures else [])
    print("\n".join(lines))
    return 1 if failed or lint_failures or not_run else 0


def gather(folders: list[Path], update: bool) -> int:
    """Merge results files; compare with (or, with ``update``, write into) the committed tables."""
    fresh: dict[str, dict[tuple[str, str], tables.Cell]] = {}
    for folder in folders:
        for path in sorted(folder.glob("*.json")):
            for slug, scenarios in json.loads(path.read_text()).items():
                for name, cells in scenarios.items():
                    for version, cell in cells.items():
                        fresh.setdefault(slug, {})[(name, version)] = tables.Cell.from_json(cell)
    stale = 0
    for slug, cells in sorted(fresh.items()):
        recipe = recipes.load(EXAMPLES / slug)
        committed = (tables.load_table(recipe) or {}).get("scenarios", {})
        for (name, version), cell in sorted(cells.items()):
            if committed.get(name, {}).get(version) != cell.to_json():
                stale += 1
                print(f"STALE  {slug}::{name} under pip {version}: the run gives {json.dumps(cell.to_json())}")
        if update and tables.matrix_plans(recipe):
            print(f"wrote {shown_path(tables.write_table(recipe, cells))}")
    print(f"{sum(len(c) for c in fresh.values())} result(s) from {len(fresh)} recipe(s): {stale} differ from the tables")
    return 1 if stale and not update else 0


def _check(loaded: list[recipes.Recipe]) -> int:
    failed = [(r, v) for r in loaded for v in runner.lint_verdicts(r) if not v.passed]
    for recipe, verdict in failed:
        print(f"{shown_path(recipe.folder)}: {verdict}")
    print(f"{len(loaded)} recipe(s) checked and linted: " + ("OK" if not failed else f"{len(failed)} lint problem(s)"))
    return 1 if failed else 0


def _roles() -> int:
    for role in ROLES.values():
        print(f"{role.name:28} {role.description}")
    return 0


def _packages() -> int:
    for package_set in catalogue.PACKAGE_SETS:
        print(f"{package_set.name}: {package_set.description}")
        for dist in package_set.dists:
            requires = f"  (requires {', '.join(dist.requires)})" if dist.requires else ""
            print(f"  {dist.name} {dist.version}{requires}")
    return 0


def _hashes(projects: list[str]) -> int:
    """The stubs are reproducible, so a requirements file can pin them with --require-hashes."""
    with tempfile.TemporaryDirectory() as folder:
        for package_set in catalogue.PACKAGE_SETS:
            for dist in package_set.dists:
                if not projects or dist.name in projects:
                    wheel = build_wheel(dist, package_set.name, Path(folder))
                    print(f"{dist.name}=={dist.version} --hash=sha256:{sha256(wheel)}  # built by {package_set.name}")
    return 0

