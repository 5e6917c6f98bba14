"""Each rule finds its fixture, with file, line, severity, step, command and a fix, and nothing in the fixed file.

Fixtures are linted in the strict mode the guide's recipes use, so the fixed
file (``quiet/``) is clean down to shellcheck's style notes. That the lint finds
nothing else in examples/ is each recipe's own ``::lint`` test.
"""

from pathlib import Path

import pytest

from harness.errors import shown_path
from harness.lint import RULES, STRICT, lint_file

FIXTURES = sorted((Path(__file__).parent / "lint").iterdir())


def shown(findings) -> list[str]:
    return [str(f).replace(shown_path(f.path), f.path.name) for f in findings]


def test_every_rule_has_a_fixture_that_finds_it_and_one_that_does_not():
    assert [p.name for p in FIXTURES] == sorted(RULES)
    missing = [str(p) for folder in FIXTURES for p in (folder / "finds" / "valohai.yaml", folder / "quiet" / "valohai.yaml")
               if not p.is_file()]
    assert not missing, f"fixtures missing: {missing}"


@pytest.mark.parametrize("folder", FIXTURES, ids=lambda p: p.name)
def test_rule_finds_its_fixture(folder: Path):
    findings = lint_file(folder / "finds" / "valohai.yaml", STRICT)
    assert folder.name in {f.rule for f in findings}
    assert shown(findings) == (folder / "finds" / "finds.txt").read_text().splitlines()


@pytest.mark.parametrize("folder", FIXTURES, ids=lambda p: p.name)
def test_rule_finds_nothing_in_the_fixed_file(folder: Path):
    assert shown(lint_file(folder / "quiet" / "valohai.yaml", STRICT)) == []
