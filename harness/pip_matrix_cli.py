"""``python -m harness matrix``: recipes under the pip matrix, and their tables; ``matrix-gather``; ``matrix-uv``.

``matrix --update`` is the one command that refreshes every table (or those of
the recipes named). ``matrix-gather`` merges what ``pytest --pip-matrix
--pip-matrix-results DIR`` wrote, one file per test process, for CI's jobs
that run one pip each. ``matrix-uv`` runs every scenario that runs uv under the
older uv of ``pip_versions.OLDER_UV`` (its wheel fetched at set-up by
``python -m harness fetch``) and says whether each
gives what the pinned uv gives: docs/pip-versions.md records the answer.
"""

from __future__ import annotations

import json
from pathlib import Path

from harness import fetch, pip_images, pip_matrix, pip_table, pip_versions, recipes
from preflight.errors import shown_path

EXAMPLES = pip_versions.ROOT / "examples"
COMMANDS = ("matrix", "matrix-gather", "matrix-uv")


def add_commands(commands) -> None:
    run = commands.add_parser("matrix", help="run every scenario under every pip of the matrix (default model)")
    run.add_argument("recipes", nargs="*", type=Path, metavar="examples/<slug>", help="default: every recipe")
    run.add_argument("-p", "--pip", action="append", choices=list(pip_versions.MATRIX),
                     help="run only under this pip (repeatable; default: the whole matrix)")
    run.add_argument("--update", action="store_true", help="write each recipe's logs/pip-matrix.json")
    gather = commands.add_parser("matrix-gather", help="merge pytest --pip-matrix-results files into the tables")
    gather.add_argument("results", nargs="+", type=Path, metavar="DIR", help="folders of results files")
    gather.add_argument("--update", action="store_true", help="write the tables (else only compare)")
    older, pinned = pip_versions.OLDER_UV.version, pip_versions.PINNED_UV
    uv = commands.add_parser("matrix-uv", help=f"run every scenario that runs uv under uv {older} (the pinned is "
                                               f"{pinned}), default model")
    uv.add_argument("recipes", nargs="*", type=Path, metavar="examples/<slug>", help="default: every recipe")


def main(args) -> int:
    if args.command == "matrix-gather":
        return gather(args.results, args.update)
    if args.command == "matrix-uv":
        return run_uv([recipes.load(folder) for folder in args.recipes or recipes.discover(EXAMPLES)])
    folders = args.recipes or recipes.discover(EXAMPLES)
    return run([recipes.load(folder) for folder in folders], tuple(args.pip or pip_versions.MATRIX), args.update)


def run(loaded: list[recipes.Recipe], versions: tuple[str, ...], update: bool) -> int:
    from harness.lab import Lab  # starts servers: only when the matrix runs

    failed, unrunnable, total = [], [], 0
    with Lab() as lab:
        labs = pip_matrix.PipLabs(lab)
        try:
            for recipe in loaded:
                cells = {}
                for version in versions:
                    try:
                        labs.get(version)
                    except pip_images.PipImageError as exc:
                        unrunnable.append(str(exc))
                        continue
                    for plan in pip_table.matrix_plans(recipe):
                        done = pip_matrix.run(labs, plan, version)
                        total += 1
                        cells[(plan.name, version)] = done.cell
                        own = [v for v in done.verdicts if not v.passed and "committed" not in v.expectation]
                        if own:
                            failed.append((recipe, plan, version, own[0]))
                            print(done.report(), flush=True)
                        else:
                            print(f"pip {version:8} {recipe.slug}::{plan.name}: {done.cell.outcome}, "
                                  f"{'holds' if done.cell.holds else 'differs as declared'}"
                                  f"{f', log differs in {len(done.cell.log)} line(s)' if done.cell.log else ''}",
                                  flush=True)
                if update and pip_table.matrix_plans(recipe):
                    print(f"wrote {shown_path(pip_table.write_table(recipe, cells))}")
        finally:
            labs.stop()
    for line in unrunnable:
        print(f"NOT RUN  {line}")
    print(f"{total} run(s) under the pip matrix: {total - len(failed)} passed, {len(failed)} failed"
          + "".join(f"\n  FAILED {r.slug}::{p.name} under pip {v} — {verdict}" for r, p, v, verdict in failed))
    return 1 if failed or unrunnable else 0


def gather(folders: list[Path], update: bool) -> int:
    """Merge results files; compare with (or, with ``update``, write into) the committed tables."""
    fresh: dict[str, dict[tuple[str, str], pip_table.Cell]] = {}
    for folder in folders:
        for path in sorted(folder.glob("*.json")):
            for slug, scenarios in json.loads(path.read_text()).items():
                for name, cells in scenarios.items():
                    for version, cell in cells.items():
                        fresh.setdefault(slug, {})[(name, version)] = pip_table.Cell.from_json(cell)
    stale = 0
    for slug, cells in sorted(fresh.items()):
        recipe = recipes.load(EXAMPLES / slug)
        committed = (pip_table.load_table(recipe) or {}).get("scenarios", {})
        for (name, version), cell in sorted(cells.items()):
            if committed.get(name, {}).get(version) != cell.to_json():
                stale += 1
                print(f"STALE  {slug}::{name} under pip {version}: the run gives {json.dumps(cell.to_json())}")
        if update and pip_table.matrix_plans(recipe):
            print(f"wrote {shown_path(pip_table.write_table(recipe, cells))}")
    print(f"{sum(len(c) for c in fresh.values())} result(s) from {len(fresh)} recipe(s): {stale} differ from the tables")
    return 1 if stale and not update else 0


def uv_wheel(uv: pip_versions.OlderUv) -> Path:
    """The older uv's wheel, which README's set-up fetches into .cache/pip-matrix."""
    wheel = fetch.cached("uv", uv.version, uv.sha256)
    if wheel is None:
        raise FileNotFoundError(f"uv {uv.version}'s wheel is not in .cache/pip-matrix/, which README's set-up "
                                f"fetches: {pip_versions.FETCH}")
    return wheel


def run_uv(loaded: list[recipes.Recipe]) -> int:
    """Every scenario that runs uv, under the older uv: the same outcome, expectations and log as the pinned uv's?"""
    from harness.lab import Lab  # starts servers: only when scenarios run

    uv = pip_versions.OLDER_UV
    try:
        wheel = uv_wheel(uv)
    except FileNotFoundError as exc:
        print(f"matrix-uv: {exc}")
        return 1
    plans = [plan for recipe in loaded for plan in pip_matrix.uv_plans(recipe)]
    print(f"uv {uv.version}: {uv.why}", flush=True)
    differing = []
    with Lab() as lab:
        image = pip_matrix.uv_lab(lab, uv.version, wheel)
        try:
            for plan in plans:
                done = pip_matrix.run_uv(image, plan)
                failed = [v for v in done.own if not v.passed]
                print(f"uv {uv.version} {plan.recipe.slug}::{plan.name}: {done.outcome}, "
                      f"{'holds' if not failed else 'DIFFERS: ' + str(failed[0])}, "
                      f"{'log as committed' if not done.log else 'log differs:'}", flush=True)
                for line in done.log:
                    print(f"    {line}")
                if not done.same:
                    differing.append(plan)
        finally:
            image.stop()
    print(f"{len(plans)} scenario(s) that run uv, under uv {uv.version} (pinned: {pip_versions.PINNED_UV}), "
          f"model {pip_table.MODEL}: {len(plans) - len(differing)} as under the pinned uv, {len(differing)} differ"
          + "".join(f"\n  DIFFERS {p.recipe.slug}::{p.name}" for p in differing))
    return 1 if differing else 0
