"""``python -m harness``: run a recipe's scenarios and read their logs, as the tests do."""

from __future__ import annotations

import argparse
import signal
import sys
import tempfile
from pathlib import Path

from harness import catalogue, checks, recipes
from harness.errors import RecipeError
from harness.indexes import IndexHostError
from harness.lab import Lab
from harness.lint import lint_file
from harness.roles import ROLES
from harness.runner import run_scenario
from harness.wheels import build_wheel, sha256


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
    lint = commands.add_parser("lint", help="the semantic lint: variables, secrets, POSIX sh, log leaks")
    lint.add_argument("files", nargs="+", type=Path, metavar="valohai.yaml", help="files, or folders holding one")
    commands.add_parser("roles", help="list the index roles a scenario can name")
    hashes = commands.add_parser("hashes", help="print --hash lines for the catalogue's stub wheels")
    hashes.add_argument("projects", nargs="*", help="only these projects")
    args = parser.parse_args(argv)

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so `finally` cleans up
    try:
        if args.command == "roles":
            for role in ROLES.values():
                print(f"{role.name:26} {role.description}")
            return 0
        if args.command == "hashes":
            return _hashes(args.projects)
        if args.command == "lint":
            return _lint(args.files)
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


def _lint(paths: list[Path]) -> int:
    findings = [f for path in paths for f in lint_file(path / "valohai.yaml" if path.is_dir() else path)]
    for finding in findings:
        print(finding)
    print(f"{len(paths)} file(s): {len(findings)} finding(s)")
    return 1 if findings else 0


def _hashes(projects: list[str]) -> int:
    """The stubs are reproducible, so a requirements file can pin them with --require-hashes."""
    with tempfile.TemporaryDirectory() as folder:
        for repo in catalogue.REPOSITORIES:
            for dist in repo.dists:
                if not projects or dist.name in projects:
                    wheel = build_wheel(dist, repo.name, Path(folder))
                    print(f"{dist.name}=={dist.version} --hash=sha256:{sha256(wheel)}  # built by {repo.name}")
    return 0


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
                run.verdicts.append(checks.committed_log(recipe, name, run.log))
                print(run.report(), flush=True)
                results.append(run)
    failed = [r for r in results if not r.passed]
    print(f"{len(results)} scenario(s): {len(results) - len(failed)} passed, {len(failed)} failed"
          + "".join(f"\n  FAILED examples/{r.recipe.slug}::{r.name}" for r in failed))
    return 1 if failed else 0
