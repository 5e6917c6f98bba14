"""The contributing page's checklist, followed step by step in a copy of the repository.

A new recipe with a stub package of its own goes from an empty folder to green,
and every command on the way succeeds the first time: nothing fails that the
page did not predict.
"""

import shutil
import subprocess
import sys

from tests.conftest import ROOT, harness_env

VALOHAI_YAML = """\
- step:
    name: install-new-package
    image: python:3.12
    command:
      - set -e
      - pip install --index-url "$PRIVATE_PYPI_INDEX_URL" my-new-package
      - python -c "import my_new_package; print(my_new_package.__version__)"
    environment-variables:
      - name: PRIVATE_PYPI_INDEX_URL
        optional: false
        description: Artifactory repository URL with a token. A secret.
"""

SCENARIOS_YAML = """\
step: install-new-package
scenarios:
  installs:
    description: The new package comes from the private repository.
    variables:
      PRIVATE_PYPI_INDEX_URL: private
    expect:
      outcome: success
      installed:
        my-new-package: 0.1.0 from private
      log:
        - Successfully installed my-new-package-0.1.0
"""

PAGE = '# A new recipe\n\n{{ recipe("new-recipe") }}\n\n{{ log("new-recipe", "installs") }}\n'


def run(project, *argv, env):
    result = subprocess.run(argv, cwd=project, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, f"{' '.join(argv[1:])} failed:\n{result.stdout[-4000:]}{result.stderr[-2000:]}"
    return result.stdout


def test_a_new_recipe_with_a_new_stub_package_goes_from_an_empty_folder_to_green(tmp_path, scratch_dir):
    project = tmp_path / "repository"
    shutil.copytree(ROOT, project, ignore=shutil.ignore_patterns(
        ".venv", ".git", "site", "build", "__pycache__", "node_modules", ".cache",
    ))
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)  # the site's "last updated" dates need history
    env = harness_env(TMPDIR=str(scratch_dir), PYTHONPATH=str(project),
                      GIT_AUTHOR_NAME="c", GIT_AUTHOR_EMAIL="c@example.com",
                      GIT_COMMITTER_NAME="c", GIT_COMMITTER_EMAIL="c@example.com")

    # A stub package: one Dist line in the package set that serves it.
    catalogue = project / "harness" / "catalogue.py"
    text = catalogue.read_text()
    anchor = '        Dist("my-private-package", "0.9.0"),\n'
    assert anchor in text, "harness/catalogue.py changed: update this test"
    catalogue.write_text(text.replace(anchor, anchor + '        Dist("my-new-package", "0.1.0"),\n'))
    assert "my-new-package 0.1.0" in run(project, sys.executable, "-m", "harness", "packages", env=env)

    # 1. The folder.
    recipe = project / "examples" / "new-recipe"
    recipe.mkdir()
    (recipe / "valohai.yaml").write_text(VALOHAI_YAML)
    (recipe / "scenarios.yaml").write_text(SCENARIOS_YAML)
    # 2. Check it.  3-4. Run it and record its logs.
    run(project, sys.executable, "-m", "harness", "check", "examples/new-recipe", env=env)
    out = run(project, sys.executable, "-m", "harness", "run", "examples/new-recipe", "--update-logs", env=env)
    assert "2 run(s): 2 passed, 0 failed; 2 execution(s), 1 run(s) derived from another" in out
    assert (recipe / "logs" / "installs.log").is_file()
    # 5. Show it on a page, with a nav entry.
    (project / "docs" / "new-recipe.md").write_text(PAGE)
    mkdocs = project / "mkdocs.yml"
    mkdocs.write_text(mkdocs.read_text().replace(
        "      - Contributing a recipe: about/contributing.md\n",
        "      - Contributing a recipe: about/contributing.md\n  - A new recipe: new-recipe.md\n",
    ))
    subprocess.run(["git", "add", "-A"], cwd=project, check=True, env=env)
    subprocess.run(["git", "commit", "-q", "-m", "new recipe"], cwd=project, check=True, env=env)
    # 6. Run it under every pip of the matrix (the wheels README's set-up fetched), and record its table.
    (project / ".cache").symlink_to(ROOT / ".cache")
    out = run(project, sys.executable, "-m", "harness", "matrix", "examples/new-recipe", "--update", env=env)
    assert (recipe / "logs" / "pip-matrix.json").is_file(), out
    # 7. Test it, and the site and the table that show it.
    out = run(
        project, sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "0",
        "examples/new-recipe", "tests/test_site.py::test_every_recipe_and_every_log_is_on_a_page",
        
        env=env,
    )
    assert "5 passed" in out, out
