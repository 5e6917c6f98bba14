"""Every folder under examples/ is a runnable recipe: a contributor adds a folder and nothing else."""

import pytest

from harness import recipes
from tests.conftest import EXAMPLES


@pytest.mark.parametrize("folder", recipes.discover(EXAMPLES), ids=lambda p: p.name)
def test_every_example_folder_is_a_recipe_with_scenarios(folder):
    recipe = recipes.load(folder)
    assert recipe.scenarios, f"{folder} has no scenario"


def test_a_folder_without_scenarios_is_an_error(tmp_path):
    (tmp_path / "new-recipe").mkdir()
    (tmp_path / "new-recipe" / "valohai.yaml").write_text("- step:\n    name: a\n    image: python:3.12\n    command: echo\n")
    with pytest.raises(recipes.RecipeError, match="scenarios.yaml is missing"):
        recipes.load(tmp_path / "new-recipe")
