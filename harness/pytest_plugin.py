"""Collect every ``examples/<slug>/`` folder as tests: its lint, and each scenario under each execution model.

Test ids read ``examples/<slug>/scenarios.yaml::<scenario>[<model>]``, and each
can be passed back to pytest; without ``[<model>]`` it runs the scenario under
every model. Where two models run the same script, or one's run shows what the
other's would do (``harness.derivation``), one item stands for both and its id
names both (``[lines+sh,and-chain+sh]``); asking for either model by its own id
runs that model alone. A folder that isn't a valid recipe (no scenarios.yaml, a
broken scenario) is a collection error that names the file, the line and the
reason, so nothing runs until it is fixed. A failure's first line, which
pytest's short summary shows, is its first failed expectation.

``--pip-matrix`` (a flag; ``--pips=24.0,25.2`` for some pips) collects instead
each scenario that runs pip under each older pip of the matrix,
``::<scenario>[pip-<version>]``, and each recipe's ``::pip-matrix-table``; the
same items run them, through the same ``runner.run``. The items of one recipe
under one pip form an xdist group, so each process builds a pip's toolset the
first time one of its items needs it. A pip that can't run on this machine's
Python is a skip, and the terminal summary says why (in CI, where ``CI`` is set,
a failure). ``--pip-matrix-results DIR`` writes each process's cells there, for
``python -m harness matrix-gather``.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import threading
from collections import Counter
from pathlib import Path

import pytest
from _pytest._code.code import ReprEntryNative, ReprExceptionInfo, ReprFileLocation, ReprTraceback
from _pytest.nodeid import coerce_node_id

from harness import checks, execution, pip_versions, recipes, runner, tables
from harness.errors import BuilderError, IndexHostError, ToolsetError
from harness.lab import Lab
from preflight import models
from preflight.errors import RecipeError

_lab: Lab | None = None


def session_lab() -> Lab:
    """The lab of this test process, started on first use and stopped at session end."""
    global _lab
    if _lab is None:
        _lab = Lab().start()
    return _lab


_cells: dict[str, dict[str, dict[str, dict]]] = {}  # slug -> scenario -> pip -> cell, this process's
_unrunnable: dict[str, tuple[str, int]] = {}  # pip -> (why it can't run here, items it held back), all processes'
UNRUNNABLE = "pip-matrix-unrunnable"  # the user property a matrix item reports the reason by


def pytest_addoption(parser):
    group = parser.getgroup("pip matrix")
    # A flag, not an option with an optional value: "--pip-matrix examples/<slug>" must not take the path as pips.
    group.addoption("--pip-matrix", action="store_const", const="all", default=None,
                    help="run every scenario under every older pip of the matrix instead of the default suite")
    group.addoption("--pips", default=None, metavar="VERSIONS",
                    help="with the pip matrix, only these pips, comma-separated (e.g. --pips=20.2.4,24.0); "
                         "implies --pip-matrix")
    group.addoption("--pip-matrix-results", type=Path, default=None, metavar="DIR",
                    help="write the matrix's results to DIR, for python -m harness matrix-gather")


def selected(config) -> tuple[str, ...] | None:
    """The pips ``--pip-matrix`` (and ``--pips``) ask for, or None without it."""
    if config.getoption("pip_matrix", None) is None and config.getoption("pips", None) is None:
        return None
    value = config.getoption("pips", None)
    if value is None:
        return pip_versions.MATRIX
    versions = tuple(v.strip() for v in value.split(",") if v.strip())
    unknown = [v for v in versions if v not in pip_versions.MATRIX]
    if unknown or not versions:
        raise pytest.UsageError(f"--pips: {', '.join(unknown) or 'no pip given'}: not in the matrix "
                                f"({', '.join(pip_versions.MATRIX)}; harness/pip_versions.py)")
    return versions


def pytest_configure(config):
    selected(config)  # an unknown pip is a usage error before anything is collected
    # SIGTERM ends pytest like Ctrl-C does, so fixtures, sessionfinish and `finally` run.
    # A signal sent to the pytest process alone reaches its xdist workers too, as a
    # terminal's Ctrl-C does, instead of after xdist's five-second shutdown grace.
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, _interrupt)


def _interrupt(signum, frame):
    for pid in _children(os.getpid()):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGINT)
    raise KeyboardInterrupt(f"signal {signum}")


def _children(parent: int) -> list[int]:
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == parent:
            children.append(int(stat.parent.name))
    return children


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_auto_num_workers(config):
    """One recipe (or less) runs in this process: workers and their labs would cost more than they save."""
    args = [a for a in config.args if not a.startswith("-")]
    folders = {str(Path(a.split("::")[0])).removesuffix(f"/{recipes.SCENARIO_FILE}") for a in args}
    if args and all(_within_one_recipe(a) for a in args) and len(folders) == 1:
        return 0
    return None


def _within_one_recipe(arg: str) -> bool:
    path = Path(arg.split("::")[0])
    return path.parent.name == "examples" or path.parent.parent.name == "examples"  # the folder or a file in it


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Under the pip matrix, only its items run; and ``--dist loadgroup`` keeps an ``xdist_group`` on one worker.

    xdist 3.8 marks a grouped item by appending ``@<group>`` to ``item._nodeid``, which pytest 9 no
    longer reads (a node's id lives in ``_id``): the groups were silently ignored. Copy the mark across.
    """
    if selected(config) is not None:
        other = [i for i in items if not getattr(i, "in_matrix", False)]
        if other:
            config.hook.pytest_deselected(items=other)
            items[:] = [i for i in items if getattr(i, "in_matrix", False)]
    for item in items:
        grouped = getattr(item, "_nodeid", None)
        if grouped and grouped != item.nodeid:
            item._id = coerce_node_id(grouped)


def pytest_collect_directory(path, parent):
    if path.parent.name == "examples" and not path.name.startswith((".", "_")) \
            and not (path / recipes.SCENARIO_FILE).is_file():
        return NotARecipe.from_parent(parent, path=path)
    return None


def pytest_collect_file(file_path, parent):
    if file_path.name == recipes.SCENARIO_FILE and file_path.parent.parent.name == "examples":
        return RecipeFile.from_parent(parent, path=file_path)
    return None


_served: Counter[int] = Counter()  # HTTP statuses the local indexes answered, all workers together


def pytest_sessionfinish(session):
    global _lab
    folder = session.config.getoption("pip_matrix_results", None)
    if folder is not None and _cells:
        folder.mkdir(parents=True, exist_ok=True)
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        pips = "_".join(selected(session.config))  # CI's jobs put their files in one folder: names must differ
        (folder / f"pip-{pips}-{worker}.json").write_text(json.dumps(_cells, indent=1) + "\n")
    execution.kill_all()
    if _lab is not None:
        _served.update(_lab.statuses())
        _lab.stop()
        _lab = None
    if hasattr(session.config, "workeroutput"):  # an xdist worker: hand the counts to the controller
        session.config.workeroutput["harness_statuses"] = dict(_served)
    elif _server_errors():
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    _served.update({int(k): v for k, v in node.workeroutput.get("harness_statuses", {}).items()})


def pytest_runtest_logreport(report):
    """Runs in the process that reports (xdist's controller too): gather why pips could not run."""
    if report.when != "call":
        return
    for name, value in report.user_properties:
        if name == UNRUNNABLE:
            version, reason = value
            _unrunnable[version] = (reason, _unrunnable.get(version, (reason, 0))[1] + 1)


def pytest_terminal_summary(terminalreporter):
    if _unrunnable:
        _summarize_unrunnable(terminalreporter)
    if not _served:
        return
    terminalreporter.write_line(
        f"local indexes served {sum(_served.values())} requests ({checks.format_statuses(_served)}); "
        f"server errors: {_server_errors()}",
        red=bool(_server_errors()),
    )


def _summarize_unrunnable(terminalreporter) -> None:
    """pytest shows skip reasons only with -rs: say here, for each pip that could not run, why."""
    failing = bool(os.environ.get("CI"))
    markup = {"red": True} if failing else {"yellow": True}
    terminalreporter.section("pips of the matrix that cannot run here", sep="=", **markup)
    for version in sorted(_unrunnable, key=list(pip_versions.MATRIX).index):
        reason, held = _unrunnable[version]
        terminalreporter.write_line(f"{reason} ({held} item(s) {'failed' if failing else 'skipped'})", **markup)
    terminalreporter.write_line("Their cells are not checked: run the matrix on a Python that every pip of "
                                "harness/pip_versions.py supports" + (" (CI must run the whole matrix)." if failing
                                                                       else "; in CI (CI set) they fail."))


def _server_errors() -> int:
    return sum(n for status, n in _served.items() if status >= 500)


class Failed(Exception):
    """Verdicts that failed: ``headline`` is the first, for pytest's short summary; ``text`` the whole report."""

    def __init__(self, headline: str, text: str | None = None):
        super().__init__(headline)
        self.headline = _first_line(headline)
        self.text = headline if text is None else text


def failure_report(node: pytest.Item | pytest.Collector, text: str, headline: str | None = None) -> ReprExceptionInfo:
    """``text`` as pytest shows a failure, with ``headline`` (its first line) after the id in the short summary.

    A plain string would do for the long report, but pytest's summary (and xdist, which sends reports
    between processes) takes that line from the report's "crash" location, which only this shape has.
    """
    location = node.reportinfo() if isinstance(node, pytest.Item) else (node.path, None, "")
    crash = ReprFileLocation(str(location[0]), (location[1] or 0) + 1, headline or _first_line(text))
    return ReprExceptionInfo(ReprTraceback([ReprEntryNative([text.rstrip("\n") + "\n"])], None, "native"), crash)


def _first_line(text: str) -> str:
    return next((line for line in text.splitlines() if line.strip()), text)


class _ShowsRecipeErrors:
    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, RecipeError):
            return failure_report(self, str(excinfo.value))
        return super().repr_failure(excinfo)


class NotARecipe(_ShowsRecipeErrors, pytest.Directory):
    """A folder under examples/ without a scenario file: an error, not a silent skip."""

    def collect(self):
        recipes.load(self.path)  # raises, naming what is missing
        return []


class RecipeFile(_ShowsRecipeErrors, pytest.File):
    def collect(self):
        recipe = recipes.load(self.path.parent)
        versions = selected(self.config)
        if versions is not None:
            yield TableItem.from_parent(self, name="pip-matrix-table", recipe=recipe)
            for plan in tables.pip_plans(recipe, versions):
                item = ScenarioItem.from_parent(self, name=plan.id, plan=plan)
                item.add_marker(pytest.mark.xdist_group(f"pip-{plan.pip}-{recipe.slug}"))
                yield item
            return
        yield LintItem.from_parent(self, name="lint", recipe=recipe)
        yield TableItem.from_parent(self, name="pip-matrix-table", recipe=recipe)  # its shape: files alone
        asked = self._models_asked_for()
        for plan in recipe.plans():
            if (plan.same_as or plan.derived) and plan.id not in asked.get(plan.name, {plan.id}):
                for alone in plan.alone():  # asked for by a model's own id: that model alone
                    yield ScenarioItem.from_parent(self, name=alone.id, plan=alone)
            else:
                yield ScenarioItem.from_parent(self, name=plan.id, plan=plan)

    def _models_asked_for(self) -> dict[str, set[str]]:
        """Scenario → the ids given on the command line for it, as ``<scenario>[<model>]``."""
        asked: dict[str, set[str]] = {}
        for arg in self.config.args:
            path, _, name = arg.partition("::")
            if name and "[" in name and Path(path).resolve() == self.path.resolve():
                scenario, _, bracket = name.partition("[")
                if all(m in models.BY_NAME for m in bracket.rstrip("]").split(",")):
                    asked.setdefault(scenario, set()).add(name)
        return asked


class _Item(pytest.Item):
    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, Failed):
            return failure_report(self, excinfo.value.text, excinfo.value.headline)
        if isinstance(excinfo.value, (RecipeError, IndexHostError)):
            return failure_report(self, str(excinfo.value))
        return super().repr_failure(excinfo)


class ScenarioItem(_Item):
    def __init__(self, *, plan: recipes.Plan, **kwargs):
        super().__init__(**kwargs)
        self.plan = plan
        self.in_matrix = plan.pip is not None

    def runtest(self):
        try:
            run = runner.run(session_lab(), self.plan)
        except IndexHostError as exc:
            self.session.shouldstop = f"harness: {exc}"  # every later scenario would fail the same way
            raise
        except FileNotFoundError as exc:  # a wheel of the matrix: README's set-up fetches it
            raise Failed(str(exc)) from None
        except BuilderError as exc:  # no buildah, as without Chromium: CI must have it (README's set-up installs it)
            if os.environ.get("CI"):
                raise Failed(str(exc)) from None
            pytest.skip(str(exc))
        except ToolsetError as exc:
            self.user_properties.append((UNRUNNABLE, [self.plan.pip, str(exc)]))  # for the summary, from any worker
            if os.environ.get("CI"):
                raise Failed(f"{exc}; CI must run the whole matrix") from None
            pytest.skip(str(exc))
        if run.cell is not None:
            _cells.setdefault(self.plan.recipe.slug, {}).setdefault(self.plan.name, {})[self.plan.pip] = \
                run.cell.to_json()
        for model, why in run.derived.items():
            self.user_properties.append(("derived", f"{model}: {why}"))
        if not run.passed:
            raise Failed(str(run.first_failure), f"{run.first_failure}\n{run.report()}")

    def reportinfo(self):
        line = self.plan.recipe.source.line("scenarios", self.plan.name)
        return self.path, (line or 1) - 1, self.nodeid


class TableItem(_Item):
    """The recipe's committed table covers its scenarios and the matrix's pips: a new scenario or pip, or a changed
    ``pips:`` range, shows here before the matrix runs (that its cells are current is the matrix's check)."""

    in_matrix = True

    def __init__(self, *, recipe: recipes.Recipe, **kwargs):
        super().__init__(**kwargs)
        self.recipe = recipe

    def runtest(self):
        verdict = tables.table_verdict(self.recipe)
        if not verdict.passed:
            raise Failed(str(verdict))

    def reportinfo(self):
        return self.path, None, self.nodeid


class LintItem(_Item):
    """The lint finds nothing in the recipe but the mistakes its scenario file declares."""

    def __init__(self, *, recipe: recipes.Recipe, **kwargs):
        super().__init__(**kwargs)
        self.recipe = recipe

    def runtest(self):
        failed = [v for v in runner.lint_verdicts(self.recipe) if not v.passed]
        if failed:
            raise Failed(str(failed[0]), "\n".join(str(v) for v in failed))

    def reportinfo(self):
        return self.path, None, self.nodeid
