"""``python -m harness``: check and run recipes as the tests do, and list what scenarios can name."""

from __future__ import annotations

import argparse
import signal
import sys
import tempfile
from pathlib import Path

import preflight.cli
from harness import catalogue, explain_rules, fetch, pip_matrix_cli, recipes, runner
from harness.execution import ExecutionError
from harness.indexes import IndexHostError
from harness.topology import ROLES
from harness.wheels import build_wheel, sha256
from preflight import models
from preflight.errors import RecipeError, shown_path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m harness", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="lint the given recipe folders, then run every scenario under every model")
    run.add_argument("recipes", nargs="+", type=Path, metavar="examples/<slug>")
    run.add_argument("-s", "--scenario", action="append", help="run only this scenario (repeatable)")
    run.add_argument("-m", "--model", action="append", choices=list(models.BY_NAME),
                     help="run only under this execution model (repeatable; default: all)")
    run.add_argument("--keep", action="store_true", help="keep each execution's sandbox for inspection")
    run.add_argument("--update-logs", action="store_true",
                     help="write each passing run's log to <recipe>/logs/ for the guide")
    check = commands.add_parser("check", help="validate and lint recipe folders without running them")
    check.add_argument("recipes", nargs="+", type=Path, metavar="examples/<slug>")
    commands.add_parser("lint", add_help=False,
                        help="the preflight of any valohai.yaml (valohai-preflight); --help for its options")
    commands.add_parser("roles", help="list the index roles a scenario can name")
    commands.add_parser("packages", help="list the stub packages each package set builds")
    hashes = commands.add_parser("hashes", help="print --hash lines for the catalogue's stub wheels")
    hashes.add_argument("projects", nargs="*", help="only these projects")
    commands.add_parser("fetch", help="set-up: the pip matrix's wheels, the older uv and the Node tools the tests "
                                      "need, from the registries, once")
    rules = commands.add_parser("explain-rules", help="check that preflight/explain_rules.json, the rules that send a "
                                                      "log to its section, is derived from the committed logs")
    rules.add_argument("--update", action="store_true", help="write it")
    pip_matrix_cli.add_commands(commands)
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["lint"]:  # the preflight has its own options
        return preflight.cli.main(argv[1:], prog="python -m harness lint")
    args = parser.parse_args(argv)

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so `finally` cleans up
    try:
        if args.command == "roles":
            for role in ROLES.values():
                print(f"{role.name:28} {role.description}")
            return 0
        if args.command == "packages":
            return _packages()
        if args.command == "hashes":
            return _hashes(args.projects)
        if args.command == "fetch":
            return fetch.main()
        if args.command == "explain-rules":
            return explain_rules.main(args.update)
        if args.command in pip_matrix_cli.COMMANDS:
            return pip_matrix_cli.main(args)
        loaded = [recipes.load(folder) for folder in args.recipes]
        if args.command == "check":
            return _check(loaded)
        return _run(loaded, args.scenario, args.model, args.keep, args.update_logs)
    except RecipeError as exc:
        print(exc, file=sys.stderr)
        return 2
    except (IndexHostError, ExecutionError) as exc:
        print(f"harness: {exc}", file=sys.stderr)
        return 3


def _check(loaded: list[recipes.Recipe]) -> int:
    failed = [(r, v) for r in loaded for v in runner.lint_verdicts(r) if not v.passed]
    for recipe, verdict in failed:
        print(f"{shown_path(recipe.folder)}: {verdict}")
    print(f"{len(loaded)} recipe(s) checked and linted: " + ("OK" if not failed else f"{len(failed)} lint problem(s)"))
    return 1 if failed else 0


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


def _run(loaded: list[recipes.Recipe], only: list[str] | None, model_names: list[str] | None, keep: bool,
         update_logs: bool) -> int:
    for recipe in loaded:
        unknown = set(only or ()) - set(recipe.scenarios)
        if unknown and len(loaded) == 1:
            raise RecipeError.at(recipe.source.path, None, f"no scenario {', '.join(sorted(unknown))} "
                                 f"(scenarios: {', '.join(recipe.scenarios)})")
    under = tuple(models.BY_NAME[name] for name in model_names) if model_names else models.MODELS
    results, lint_failures = [], []
    for recipe in loaded:
        lint_failures += [f"{shown_path(recipe.folder)}::lint: {v}" for v in runner.lint_verdicts(recipe) if not v.passed]
    from harness.lab import Lab  # starts servers: only the commands that run executions import it

    with Lab() as lab:
        for recipe in loaded:
            for plan in recipe.plans(only, under):
                run = runner.run(lab, plan, keep=keep, update_log=update_logs)
                print(run.report(), flush=True)
                results.append(run)
    failed = [r for r in results if not r.passed]
    for line in lint_failures:
        print(line)
    print(f"{len(results)} run(s): {len(results) - len(failed)} passed, {len(failed)} failed"
          + "".join(f"\n  FAILED {shown_path(r.plan.recipe.folder)}::{r.plan.id} — {r.first_failure}" for r in failed)
          + (f"\n  lint: {len(lint_failures)} problem(s)" if lint_failures else ""))
    return 1 if failed or lint_failures else 0
