"""Each lint rule catches its deliberately broken fixture, with file, step, command and a fix.

That the lint finds nothing else in examples/ is each recipe's own `::lint` test.
"""

from pathlib import Path

import pytest

from harness.errors import shown_path
from harness.lint import RULES, lint_file

FIXTURES = sorted((Path(__file__).parent / "lint").iterdir())


def test_every_rule_has_a_fixture():
    assert sorted(p.name for p in FIXTURES) == sorted(RULES)


@pytest.mark.parametrize("folder", FIXTURES, ids=lambda p: p.name)
def test_rule_catches_its_fixture(folder: Path):
    findings = lint_file(folder / "valohai.yaml")
    assert folder.name in {f.rule for f in findings}
    shown = [str(f).replace(shown_path(f.path), f.path.name) for f in findings]
    assert shown == (folder / "finds.txt").read_text().splitlines()
