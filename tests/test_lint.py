"""Each rule finds its fixture, with file, line, severity, step, command and a fix, and nothing in the fixed file.

Fixtures are linted in the strict mode the guide's recipes use, so the fixed
file (``quiet/``) is clean down to shellcheck's style notes. That the lint finds
nothing else in examples/ is each recipe's own ``::lint`` test.
"""

from pathlib import Path

import pytest

from preflight.errors import shown_path
from preflight.lint import STRICT, lint_file
from preflight.rules import RULES
from preflight.secretnames import not_a_secret, secret_word

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


@pytest.mark.parametrize(("name", "word"), [
    ("HF_TOKEN", "TOKEN"), ("HFTOKEN", "HFTOKEN"), ("RSPASSWORD", "RSPASSWORD"), ("SNOWSQL_PWD", "PWD"),
    ("SNOWSQL_PRIVATEKEY", "PRIVATEKEY"), ("GCP_KEYFILE_CONTENTS_JSON", "KEYFILE"), ("WANDB_API_KEY", "API_KEY"),
    ("AWS_SECRET_ACCESS_KEY", "ACCESS_KEY"), ("CLIENT_SECRET", "SECRET"), ("GITHUB_PAT", "PAT"),
    ("UV_INDEX_ACME_PASSWORD", "PASSWORD"),
    ("MAX_NEW_TOKENS", None), ("TOKENIZER_NAME", None), ("HF_TOKEN_PATH", None), ("SECRET_NAME", None),
    ("PASSWORD_MIN_LENGTH", None), ("GITHUB_TOKEN_FILE", None), ("AWS_ACCESS_KEY_ID", None), ("PAD_TOKEN", None),
    ("MAX_TOKEN", None), ("PWD", None), ("BYPASS", None), ("KEY_COLUMN", None), ("OAUTH_TOKEN_URL", None),
])
def test_secret_names_are_read_word_by_word(name, word):
    assert secret_word(name) == word


@pytest.mark.parametrize(("value", "name", "setting"), [
    ("256", "MAX_NEW_TOKENS", True), ("false", "USE_AUTH_TOKEN", True), ("/valohai/inputs/token/token.txt", "HF_TOKEN", True),
    ("secrets/token.txt", "HF_TOKEN", True), ("meta-llama/Llama-2-7b-chat-hf", "HF_TOKEN", True),
    ("20240611", "DB_PASSWORD", False), ("team/pass-word", "DB_PASSWORD", False),
    ("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "AWS_SECRET_ACCESS_KEY", False),
    ("hf_abcdefghijklmnopqrstuvwxyz012345", "HF_TOKEN", False),
])
def test_numbers_booleans_paths_and_model_ids_are_settings_except_a_passwords_digits(value, name, setting):
    assert not_a_secret(value, name) is setting
