from pathlib import Path

import pytest

from harness.lab import Lab
from harness.pytest_plugin import session_lab

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
FIXTURES = Path(__file__).resolve().parent / "recipes"


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
