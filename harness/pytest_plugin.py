"""Collect every ``examples/<slug>/scenarios.yaml`` as tests, one per scenario.

A scenario file that can't be loaded is a collection error that names the file,
the line and the reason, so nothing runs until it is fixed.
"""

from __future__ import annotations

import pytest

from harness import checks, execution, recipes
from harness.cli import refresh_command
from harness.errors import RecipeError
from harness.lab import Lab
from harness.runner import ScenarioRun, run_scenario

_lab: Lab | None = None


def session_lab() -> Lab:
    """The lab of this test process, started on first use and stopped at session end."""
    global _lab
    if _lab is None:
        _lab = Lab().start()
    return _lab


def pytest_collect_file(file_path, parent):
    if file_path.name == recipes.SCENARIO_FILE and file_path.parent.parent.name == "examples":
        return RecipeFile.from_parent(parent, path=file_path)
    return None


def pytest_sessionfinish(session):
    global _lab
    execution.kill_all()
    if _lab is not None:
        _lab.stop()
        _lab = None


class ScenarioFailed(Exception):
    def __init__(self, run: ScenarioRun):
        self.run = run


class RecipeFile(pytest.File):
    def collect(self):
        recipe = recipes.load(self.path.parent)
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
        run = run_scenario(session_lab(), self.recipe, self.name)
        run.verdicts.append(checks.committed_log(self.recipe.log_path(self.name), run.log, refresh_command(self.recipe)))
        if not run.passed:
            raise ScenarioFailed(run)

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, ScenarioFailed):
            return excinfo.value.run.report()
        if isinstance(excinfo.value, RecipeError):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, self.recipe.source.line("scenarios", self.name), f"examples/{self.recipe.slug}::{self.name}"
