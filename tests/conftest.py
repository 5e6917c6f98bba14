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
