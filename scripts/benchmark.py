"""Where the time goes: each scenario next to its floor, the executions it takes, and the whole suite.

The floor of a scenario is the same commands run by a bare ``subprocess.run`` in
an environment that already exists (prepared beforehand, untimed); the ratio
shows what the harness itself costs per execution: environment, repository
copy, process start, time limit, checks, log. The executions' CPU time (pip's,
mostly: ``RUSAGE_CHILDREN``) is what no harness change can take away; runs derived
from another (``harness.derivation``) are the executions it doesn't make.

    .venv/bin/python scripts/benchmark.py [--repeat N] [--no-suite]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dataclasses import replace

from harness import builds, recipes, runner
from harness.lab import Lab
from preflight import models


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed_run(lab: Lab, plan, repeat: int) -> tuple[float, float, runner.ScenarioRun]:
    """Median wall seconds and median executions' CPU seconds of ``repeat`` runs, and the last run; a scenario that
    builds its image builds it again each time."""
    walls, cpus, done = [], [], None
    for _ in range(repeat):
        if plan.scenario.build:
            builds.builder(lab).forget()
        started, cpu = time.perf_counter(), children_cpu()
        done = runner.run(lab, plan)
        walls.append(time.perf_counter() - started)
        cpus.append(children_cpu() - cpu)
    return statistics.median(walls), statistics.median(cpus), done


def floor(lab: Lab, plan) -> float:
    """The same commands, run by a bare subprocess in an environment made beforehand; for a scenario that builds
    its image, buildah's own time for the build (without reading what the image holds) comes first."""
    built, build_seconds = None, 0.0
    if plan.scenario.build:
        built = builds.built_for(lab, plan, lab.toolset())  # the build the timed run just made
        if not built.ok:
            return built.completed.seconds
        plan, build_seconds = replace(plan, image=built.image), built.completed.seconds
    prepared = runner.prepare(lab, plan, built=built)
    try:
        started = time.perf_counter()
        subprocess.run(
            prepared.argv, env=prepared.env,
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=prepared.time_limit,
        )
        return build_seconds + time.perf_counter() - started
    finally:
        lab.sandboxes.discard(prepared.box)


def scenarios_table(repeat: int) -> None:
    started = time.perf_counter()
    lab = Lab().start()
    print(f"lab start (wheels, {len(lab.hosts)} index hosts, gateways): {time.perf_counter() - started:.3f} s\n")
    print(f"{'scenario[model]':72} {'total':>7} {'floor':>7} {'ratio':>6} {'cpu':>6} {'runs':>4}")
    totals, floors, plans, cpus, executions, derived = [], [], [], [], [], []
    try:
        for folder in recipes.discover(ROOT / "examples"):
            recipe = recipes.load(folder)
            for plan in recipe.plans():
                total, cpu, done = timed_run(lab, plan, repeat)
                least = statistics.median(floor(lab, plan) for _ in range(repeat))
                totals.append(total)
                floors.append(least)
                plans.append(plan)
                cpus.append(cpu)
                executions.append(done.executions)
                derived.append(len(done.derived))
                print(f"{'examples/' + recipe.slug + '::' + plan.id:72} {total:7.3f} {least:7.3f} "
                      f"{total / least:6.2f} {cpu:6.2f} {done.executions:4}")
        made = builds.builder(lab)
        bases = sum(store.base_seconds for store in made.stores.values())
    finally:
        lab.stop()
    print(f"{'all runs':72} {sum(totals):7.3f} {sum(floors):7.3f} {sum(totals) / sum(floors):6.2f} {sum(cpus):6.2f}")
    if made.builds:
        seconds = [s for _, s in made.builds]
        print(f"image builds: base images made once per session and pip in {bases:.2f} s; {len(seconds)} builds, "
              f"median {statistics.median(seconds):.2f} s, longest {max(seconds):.2f} s (buildah, then reading "
              f"the image's layers, history and configuration)")
    print(f"harness cost per execution: median {statistics.median(t - f for t, f in zip(totals, floors)) * 1000:.0f} ms")
    scenarios = len({(p.recipe.slug, p.name) for p in plans})
    print(f"{scenarios} scenarios: {sum(executions)} executions ({sum(executions) / scenarios:.2f} per scenario); "
          f"{sum(derived)} runs derived from another instead of made (without derivation: "
          f"{sum(executions) + sum(derived)}); executions' CPU {sum(cpus):.1f} s\n")
    print("where the time goes, by execution model (a run shared by two models counts under its first):")
    for model in models.MODELS:
        mine = [(t, p) for t, p in zip(totals, plans) if p.model == model]
        shared = sum(1 for _, p in mine if p.same_as)
        print(f"  {model.name:14} {len(mine):4} runs ({shared} shared with another model) {sum(t for t, _ in mine):8.2f} s")
    print()


def timed_command(label: str, argv: list[str]) -> None:
    started = time.perf_counter()
    result = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    seconds = time.perf_counter() - started
    summary = (result.stdout.strip().splitlines() or [f"exit code {result.returncode}"])[-1]
    print(f"{label:40} {seconds:7.2f} s   {summary}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3, help="runs per scenario (median is shown)")
    parser.add_argument("--no-suite", action="store_true", help="skip the whole-suite timings")
    args = parser.parse_args()
    print(f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}\n")
    scenarios_table(args.repeat)
    with tempfile.TemporaryDirectory(prefix="bench-site-") as site:
        timed_command("site build (mkdocs build --strict)", [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", site])
    if not args.no_suite:
        pytest = [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly"]
        timed_command("whole suite, serial (-n 0)", [*pytest, "-n", "0"])
        timed_command("whole suite, 2 workers (-n 2)", [*pytest, "-n", "2"])


if __name__ == "__main__":
    main()
