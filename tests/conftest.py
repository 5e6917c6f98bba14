from pathlib import Path

import pytest

from harness.lab import Lab
from harness.pytest_plugin import session_lab

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
FIXTURES = Path(__file__).resolve().parent / "recipes"


@pytest.fixture
def recipe_pytest(pytester, monkeypatch):
    """A pytest project of its own (pytester's folder) that collects the recipes copied into its examples/ with the
    harness plugin; ``make(*slugs, conftest=...)`` sets it up, ``pytester.runpytest_subprocess`` runs it."""
    import shutil

    monkeypatch.setenv("PYTHONPATH", str(ROOT))  # the harness, from any working directory
    monkeypatch.setenv("COLUMNS", "200")  # short summaries are not cut

    def make(*slugs: str, conftest: str = ""):
        for slug in slugs:
            shutil.copytree(EXAMPLES / slug, pytester.path / "examples" / slug)
        pytester.makeconftest('pytest_plugins = ["harness.pytest_plugin"]\n' + conftest)
        pytester.makeini("[pytest]\naddopts = -p no:cacheprovider\n")
        return pytester

    return make


def harness_project(root: Path, conftest_extra: str = "") -> Path:
    """A pytest project of its own in ``root``, collecting its examples/ with the harness plugin."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "conftest.py").write_text('pytest_plugins = ["harness.pytest_plugin"]\n' + conftest_extra)
    (root / "pytest.ini").write_text("[pytest]\naddopts = -p no:cacheprovider\n")
    return root


def harness_env(**extra: str) -> dict[str, str]:
    """This environment, with the harness importable from any working directory."""
    import os

    return {**os.environ, "PYTHONPATH": str(ROOT), **extra}


@pytest.fixture
def scratch_dir():
    """An empty folder where the harness keeps labs and sandboxes (tmpfs where there is one), removed afterwards.

    Tests that run the harness in a subprocess give it as TMPDIR, to see what it leaves behind.
    """
    import shutil
    import tempfile

    from harness.sandbox import SCRATCH

    folder = Path(tempfile.mkdtemp(prefix="test-scratch-", dir=SCRATCH))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def lab() -> Lab:
    return session_lab()


def build_site(project: Path, site_dir: Path):
    """``mkdocs build --strict`` of ``project`` in a subprocess, as a reader's CI would run it."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(project / "mkdocs.yml"), "-d", str(site_dir)],
        cwd=project, env=env, capture_output=True, text=True, timeout=120,
    )


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    site = tmp_path_factory.mktemp("site")
    result = build_site(ROOT, site)
    assert result.returncode == 0, f"mkdocs build --strict failed:\n{result.stdout}{result.stderr}"
    return site
