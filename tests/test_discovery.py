"""Every folder under examples/ is a runnable recipe: a contributor adds a folder and nothing else."""

import pytest

from harness import recipes


def test_a_folder_without_scenarios_is_an_error(tmp_path):
    (tmp_path / "new-recipe").mkdir()
    (tmp_path / "new-recipe" / "valohai.yaml").write_text("- step:\n    name: a\n    image: python:3.12\n    command: echo\n")
    with pytest.raises(recipes.RecipeError, match="scenarios.yaml is missing"):
        recipes.load(tmp_path / "new-recipe")


def test_a_folder_without_scenarios_under_examples_fails_collection_naming_it(recipe_pytest):
    pytester = recipe_pytest()
    (pytester.path / "examples" / "half-done").mkdir(parents=True)
    (pytester.path / "examples" / "half-done" / "valohai.yaml").write_text("- step:\n    name: a\n")
    result = pytester.runpytest_subprocess("-n", "0", "examples")
    assert result.ret == pytest.ExitCode.INTERRUPTED
    assert "half-done: not a recipe: scenarios.yaml is missing" in result.stdout.str()
