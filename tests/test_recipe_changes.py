"""Change a real recipe the way a contributor might, and read what the harness says."""

import json
import shutil
from pathlib import Path

import pytest

from harness import recipes, runner
from preflight import models
from preflight.errors import RecipeError
from tests.conftest import EXAMPLES


def changed_copy(tmp_path: Path, slug: str, file: str, old: str, new: str) -> Path:
    folder = tmp_path / "examples" / slug
    shutil.copytree(EXAMPLES / slug, folder)
    path = folder / file
    text = path.read_text()
    assert old in text, f"{slug}/{file} no longer contains {old!r}: update this test"
    path.write_text(text.replace(old, new))
    return folder


def failures(run) -> list[str]:
    return [str(v) for v in run.verdicts if not v.passed]


def test_renamed_package_fails_with_pips_reason(tmp_path, lab):
    folder = changed_copy(tmp_path, "use-in-executions", "valohai.yaml", "install my-private-package", "install my-privat-package")
    run = runner.run(lab, recipes.load(folder).plan("virtual-repository"))
    assert "FAIL  succeeds — exit code 1" in "\n".join(failures(run))
    assert "FAIL  installs my-private-package 1.0.0 from private — not installed" in failures(run)
    assert "ERROR: No matching distribution found for my-privat-package" in run.log


def test_renamed_variable_is_rejected_before_running(tmp_path):
    folder = changed_copy(tmp_path, "use-in-executions", "valohai.yaml", "PRIVATE_PYPI_INDEX_URL", "PRIVATE_INDEX_URL")
    with pytest.raises(RecipeError) as caught:
        recipes.load(folder)
    messages = [p.message for p in caught.value.problems]
    assert (
        "scenario 'virtual-repository' supplies PRIVATE_PYPI_INDEX_URL, which step 'train-with-private-package' "
        "does not declare in environment-variables (declared: PRIVATE_INDEX_URL)"
    ) in messages
    assert any(m.startswith("scenario 'virtual-repository' leaves PRIVATE_INDEX_URL unset") for m in messages)


def test_changed_role_fails_the_expectations_it_breaks(tmp_path, lab):
    folder = changed_copy(
        tmp_path, "use-in-executions", "scenarios.yaml",
        "PRIVATE_PYPI_INDEX_URL: virtual\n", "PRIVATE_PYPI_INDEX_URL: private\n",
    )
    run = runner.run(lab, recipes.load(folder).plan("virtual-repository"))
    assert "FAIL  installs scikit-learn 1.3.2 from pypi — not installed" in failures(run)
    assert "ERROR: No matching distribution found for scikit-learn" in run.log


def test_misspelled_role_is_rejected_with_a_suggestion(tmp_path):
    folder = changed_copy(
        tmp_path, "use-in-executions", "scenarios.yaml",
        "PRIVATE_PYPI_INDEX_URL: virtual\n", "PRIVATE_PYPI_INDEX_URL: virtul\n",
    )
    with pytest.raises(RecipeError) as caught:
        recipes.load(folder)
    assert [str(p).split("scenarios.yaml:")[1] for p in caught.value.problems] == [
        "7: unknown index role 'virtul' (did you mean 'virtual'?) — python -m harness roles lists every role with "
        "what it stands for"
    ]


def test_a_role_named_by_what_it_stands_for_is_found_in_the_descriptions(tmp_path):
    folder = changed_copy(
        tmp_path, "use-in-executions", "scenarios.yaml",
        "PRIVATE_PYPI_INDEX_URL: virtual\n", "PRIVATE_PYPI_INDEX_URL: virtual-revoked-token\n",
    )
    with pytest.raises(RecipeError) as caught:
        recipes.load(folder)
    message = str(caught.value.problems[0])
    assert "roles whose description fits:" in message and "python -m harness roles" in message, message


def test_a_misspelled_variable_in_a_group_is_reported_at_its_line(tmp_path):
    folder = changed_copy(tmp_path, "organization-variable-group", "scenarios.yaml", "PIP_INDEX_URL:", "PIP_INDX_URL:")
    with pytest.raises(RecipeError) as caught:
        recipes.load(folder)
    source = (folder / "scenarios.yaml").read_text().splitlines()
    typo = next(n for n, line in enumerate(source, 1) if "PIP_INDX_URL" in line)
    assert any(p.line == typo and "did you mean PIP_INDEX_URL" in p.message for p in caught.value.problems), \
        [str(p) for p in caught.value.problems]


def test_wrong_provenance_names_what_was_installed(tmp_path, lab):
    folder = changed_copy(
        tmp_path, "extra-index-url", "scenarios.yaml",
        "my-private-package: 99.0.0 from squatter", "my-private-package: 1.0.0 from private",
    )
    run = runner.run(lab, recipes.load(folder).plan("name-squatted-on-pypi"))
    assert failures(run) == ["FAIL  installs my-private-package 1.0.0 from private — got 99.0.0 from squatter"]


def test_a_url_where_a_role_belongs_is_rejected_without_repeating_its_token(tmp_path):
    token = "cmVmdGtuOjAxOjE3OTk5OTk5OTk6ZmFrZWZha2VmYWtl"
    url = f"https://valohai-ci:{token}@acme.jfrog.io/artifactory/api/pypi/pypi-virtual/simple"
    folder = changed_copy(
        tmp_path, "use-in-executions", "scenarios.yaml",
        "PRIVATE_PYPI_INDEX_URL: virtual\n", f"PRIVATE_PYPI_INDEX_URL: {url}\n",
    )
    with pytest.raises(RecipeError) as caught:
        recipes.load(folder)
    assert token not in str(caught.value)
    assert "this looks like a URL; scenarios name an index role instead" in str(caught.value)


def test_a_credential_typed_as_an_override_is_rejected_without_repeating_it(tmp_path):
    token = "cmVmdGtuOjAxOjE3OTk5OTk5OTk6ZmFrZWZha2VmYWtl"
    folder = changed_copy(
        tmp_path, "use-in-executions", "scenarios.yaml",
        "    variables:\n      PRIVATE_PYPI_INDEX_URL: virtual\n",
        "    overrides:\n      PRIVATE_PYPI_INDEX_URL: "
        f"https://valohai-ci:{token}@acme.jfrog.io/artifactory/api/pypi/pypi-virtual/simple\n",
    )
    with pytest.raises(RecipeError) as caught:
        recipes.load(folder)
    assert token not in str(caught.value)
    assert "this value holds a user and password; credentials never go in scenario files" in str(caught.value)


def test_the_scenario_files_schema_is_generated_from_the_models_and_every_recipe_names_it():
    """Editors complete and check scenarios.yaml from harness/scenarios.schema.json; `python -m harness update`
    writes it again when the models change."""
    assert recipes.SCHEMA.read_text() == recipes.schema_text(), "harness/scenarios.schema.json is stale: " \
                                                                "python -m harness update"
    for folder in recipes.discover(EXAMPLES):
        first = (folder / recipes.SCENARIO_FILE).read_text().splitlines()[0]
        assert first == "# yaml-language-server: $schema=../../harness/scenarios.schema.json", folder.name


def test_the_schema_refuses_what_the_harness_refuses():
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(json.loads(recipes.SCHEMA.read_text()))
    good = {"scenarios": {"a": {"description": "d", "expect": {"outcome": "success", "log": ["x"]}}}}
    assert not list(validator.iter_errors(good))
    bad = {"scenarios": {"a": {"description": "d", "expect": {"outcome": "succes", "logs": ["x"]}}}}
    assert {e.validator for e in validator.iter_errors(bad)} >= {"enum", "additionalProperties"}


def _broken_copy(tmp_path, slug: str) -> Path:
    folder = tmp_path / slug
    shutil.copytree(EXAMPLES / slug, folder, ignore=shutil.ignore_patterns("logs"))
    return folder


def _supplied(slug: str) -> list[str]:
    return sorted({var for s in recipes.load(EXAMPLES / slug).scenarios.values() for var in s.supplied()})


@pytest.mark.parametrize("slug", [f.name for f in recipes.discover(EXAMPLES) if _supplied(f.name)])
def test_renaming_a_declared_variable_breaks_the_recipe(tmp_path, slug):
    """Every variable a scenario supplies is one its step declares: rename it in valohai.yaml, and loading fails."""
    folder = _broken_copy(tmp_path, slug)
    supplied = _supplied(slug)
    path = folder / "valohai.yaml"
    path.write_text(path.read_text().replace(f"name: {supplied[0]}\n", f"name: {supplied[0]}_RENAMED\n"))
    with pytest.raises(RecipeError) as caught:
        recipes.load(folder)
    assert supplied[0] in str(caught.value)


def _installing(slug: str) -> str | None:
    """The first scenario of ``slug`` that succeeds and runs ``pip install``."""
    recipe = recipes.load(EXAMPLES / slug)
    return next((p.name for p in recipe.plans(under=(models.DEFAULT,))
                 if p.expect.outcome == "success" and "pip install" in p.script and "uv pip" not in p.script), None)


@pytest.mark.parametrize("slug", [f.name for f in recipes.discover(EXAMPLES) if _installing(f.name)])
def test_a_package_that_doesnt_exist_breaks_the_recipe(tmp_path, lab, slug):
    """Add a name no index has to the recipe's install, and its scenario must fail: its tests can fail."""
    folder = _broken_copy(tmp_path, slug)
    name = _installing(slug)
    plan = recipes.load(folder).plan(name)
    path = folder / "valohai.yaml"
    text = path.read_text()
    at = text.index("pip install", text.index(f"name: {plan.step.name}\n"))  # the step's own install, folded or not
    path.write_text(text[:at] + "pip install no-such-package-anywhere" + text[at + len("pip install"):])
    run = runner.run(lab, recipes.load(folder).plan(name))
    assert not run.passed, run.report()
