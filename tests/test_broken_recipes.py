"""Deliberately broken recipes: each is rejected, or fails, with file, line and reason."""

from pathlib import Path

import pytest

from harness import recipes, runner
from preflight import models
from preflight.errors import RecipeError
from tests.conftest import FIXTURES

REJECTED = sorted((FIXTURES / "rejected").iterdir())
FAILING = sorted((FIXTURES / "failing").iterdir())


@pytest.mark.parametrize("folder", REJECTED, ids=lambda p: p.name)
def test_rejected_before_anything_runs(folder: Path):
    with pytest.raises(RecipeError) as caught:
        recipes.load(folder)
    problems = [f"{p.path.name}:{p.line}: {p.message}" + (f" — {p.hint}" if p.hint else "") for p in caught.value.problems]
    assert problems == (folder / "rejected-because.txt").read_text().splitlines()


@pytest.mark.parametrize("folder", FAILING, ids=lambda p: p.name)
def test_runs_and_fails_for_the_stated_reason(folder: Path, lab):
    recipe = recipes.load(folder)
    for plan in recipe.plans(under=(models.DEFAULT,)):  # these test the checks, which no model changes
        run = runner.run(lab, plan)
        failed = [str(v) for v in run.verdicts if not v.passed]
        assert failed == (folder / "failing-because.txt").read_text().splitlines(), run.report()
        report = run.report()
        for secret in lab.secrets:
            for value in secret.forms.values():
                assert value not in report, "the report must mask what the check found"
