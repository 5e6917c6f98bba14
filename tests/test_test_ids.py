"""What pytest shows for a recipe: ids a contributor can pass back, and a short summary that says what failed."""


def test_one_model_of_a_shared_run_runs_alone_and_its_summary_names_the_first_failed_expectation(recipe_pytest):
    pytester = recipe_pytest("missing-package")
    scenarios = pytester.path / "examples" / "missing-package" / "scenarios.yaml"
    scenarios.write_text(scenarios.read_text().replace("index-answered: [404]", "index-answered: [403]"))
    shared = "examples/missing-package/scenarios.yaml::misspelled-name[lines+sh,and-chain+sh]"
    assert shared in pytester.runpytest_subprocess("-n", "0", "--collect-only", "-q", "examples").stdout.str()

    alone = "examples/missing-package/scenarios.yaml::misspelled-name[and-chain+sh]"
    result = pytester.runpytest_subprocess("-n", "0", "-rf", alone)
    result.assert_outcomes(failed=1)
    assert f"FAILED {alone} - FAIL  an index answered HTTP 403" in result.stdout.str()


def test_a_derived_run_is_one_item_and_its_model_can_run_alone(recipe_pytest):
    """and-chain+sh's run is derived from lines+sh's where the statuses show it; asked for by its own id, it runs."""
    pytester = recipe_pytest("pip-index-url-variable")
    folded = "examples/pip-index-url-variable/scenarios.yaml::pip-index-url[lines+sh,and-chain+sh]"
    assert folded in pytester.runpytest_subprocess("-n", "0", "--collect-only", "-q", "examples").stdout.str()
    alone = "examples/pip-index-url-variable/scenarios.yaml::pip-index-url[and-chain+sh]"
    pytester.runpytest_subprocess("-n", "0", alone).assert_outcomes(passed=1)
