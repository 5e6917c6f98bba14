"""``python -m harness``: run a recipe's scenarios and read their logs, as the tests do."""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path

from harness import checks, recipes
from harness.errors import RecipeError
from harness.indexes import IndexHostError
from harness.lab import Lab
from harness.roles import ROLES
from harness.runner import run_scenario


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m harness", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="run every scenario of the given recipe folders")
    run.add_argument("recipes", nargs="+", type=Path, metavar="examples/<slug>")
    run.add_argument("-s", "--scenario", action="append", help="run only this scenario (repeatable)")
    run.add_argument("--keep", action="store_true", help="keep each execution's sandbox for inspection")
    run.add_argument("--update-logs", action="store_true",
                     help="write each passing scenario's log to <recipe>/logs/<scenario>.log for the guide")
    check = commands.add_parser("check", help="validate recipe folders without running them")
    check.add_argument("recipes", nargs="+", type=Path, metavar="examples/<slug>")
    commands.add_parser("roles", help="list the index roles a scenario can name")
    args = parser.parse_args(argv)

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so `finally` cleans up
    try:
        if args.command == "roles":
            for role in ROLES.values():
                print(f"{role.name:26} {role.description}")
            return 0
        loaded = [recipes.load(folder) for folder in args.recipes]
        if args.command == "check":
            print(f"{len(loaded)} recipe(s) OK: " + ", ".join(r.slug for r in loaded))
            return 0
        return _run(loaded, args.scenario, args.keep, args.update_logs)
    except RecipeError as exc:
        print(exc, file=sys.stderr)
        return 2
    except IndexHostError as exc:
        print(f"harness: {exc}", file=sys.stderr)
        return 3


def refresh_command(recipe: recipes.Recipe) -> str:
    return f"python -m harness run examples/{recipe.slug} --update-logs"


def _run(loaded: list[recipes.Recipe], only: list[str] | None, keep: bool, update_logs: bool) -> int:
    for recipe in loaded:
        unknown = set(only or ()) - set(recipe.scenarios)
        if unknown and len(loaded) == 1:
            raise RecipeError.at(recipe.source.path, None, f"no scenario {', '.join(sorted(unknown))} "
                                 f"(scenarios: {', '.join(recipe.scenarios)})")
    results = []
    with Lab() as lab:
        for recipe in loaded:
            for name in recipe.scenarios:
                if only and name not in only:
                    continue
                run = run_scenario(lab, recipe, name, keep=keep)
                if update_logs and run.passed:
                    path = recipe.log_path(name)
                    path.parent.mkdir(exist_ok=True)
                    path.write_text(run.log)
                run.verdicts.append(checks.committed_log(recipe.log_path(name), run.log, refresh_command(recipe)))
                print(run.report(), flush=True)
                results.append(run)
    failed = [r for r in results if not r.passed]
    print(f"{len(results)} scenario(s): {len(results) - len(failed)} passed, {len(failed)} failed"
          + "".join(f"\n  FAILED examples/{r.recipe.slug}::{r.name}" for r in failed))
    return 1 if failed else 0
