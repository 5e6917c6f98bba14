"""Collect every ``examples/<slug>/scenarios.yaml`` as tests, one per scenario.

A scenario file that can't be loaded is a collection error that names the file,
the line and the reason, so nothing runs until it is fixed.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections import Counter
from pathlib import Path

import pytest

from harness import checks, execution, recipes
from harness.errors import RecipeError
from harness.indexes import IndexHostError
from harness.lab import Lab
from harness.lint import lint_file
from harness.runner import ScenarioRun, run_scenario

_lab: Lab | None = None


def session_lab() -> Lab:
    """The lab of this test process, started on first use and stopped at session end."""
    global _lab
    if _lab is None:
        _lab = Lab().start()
    return _lab


def pytest_configure(config):
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


def pytest_collect_file(file_path, parent):
    if file_path.name == recipes.SCENARIO_FILE and file_path.parent.parent.name == "examples":
        return RecipeFile.from_parent(parent, path=file_path)
    return None


_served: Counter[int] = Counter()  # HTTP statuses the local indexes answered, all workers together


def pytest_sessionfinish(session):
    global _lab
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


def pytest_terminal_summary(terminalreporter):
    if not _served:
        return
    terminalreporter.write_line(
        f"local indexes served {sum(_served.values())} requests ({checks.format_statuses(_served)}); "
        f"server errors: {_server_errors()}",
        red=bool(_server_errors()),
    )


def _server_errors() -> int:
    return sum(n for status, n in _served.items() if status >= 500)


class ScenarioFailed(Exception):
    def __init__(self, run: ScenarioRun):
        self.run = run


class RecipeFile(pytest.File):
    def collect(self):
        recipe = recipes.load(self.path.parent)
        yield LintItem.from_parent(self, name="lint", recipe=recipe)
        for name in recipe.scenarios:
            yield ScenarioItem.from_parent(self, name=name, recipe=recipe)

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, RecipeError):
            return str(excinfo.value)
        return super().repr_failure(excinfo)


class ScenarioItem(pytest.Item):
    def __init__(self, *, recipe: recipes.Recipe, **kwargs):
        super().__init__(**kwargs)
        self.recipe = recipe

    def runtest(self):
        try:
            run = run_scenario(session_lab(), self.recipe, self.name)
        except IndexHostError as exc:
            self.session.shouldstop = f"harness: {exc}"  # every later scenario would fail the same way
            raise
        run.verdicts.append(checks.committed_log(self.recipe, self.name, run.log))
        if not run.passed:
            raise ScenarioFailed(run)

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, ScenarioFailed):
            return excinfo.value.run.report()
        if isinstance(excinfo.value, (RecipeError, IndexHostError)):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, self.recipe.source.line("scenarios", self.name), f"examples/{self.recipe.slug}::{self.name}"


class LintFailed(Exception):
    pass


class LintItem(pytest.Item):
    """The semantic lint finds nothing in the recipe but the mistakes its scenario file declares."""

    def __init__(self, *, recipe: recipes.Recipe, **kwargs):
        super().__init__(**kwargs)
        self.recipe = recipe

    def runtest(self):
        findings = lint_file(self.recipe.folder / "valohai.yaml")
        found = {(f.step, f.rule) for f in findings}
        expected = {(step, rule) for step, rules in self.recipe.spec.lint_finds.items() for rule in rules}
        if found != expected:
            unexpected = [str(f) for f in findings if (f.step, f.rule) not in expected]
            missed = [f"step '{step}': {rule} (declared in lint-finds) was not found" for step, rule in sorted(expected - found)]
            raise LintFailed("\n".join(unexpected + missed))

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, LintFailed):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, None, f"examples/{self.recipe.slug}::lint"
