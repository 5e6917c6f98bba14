"""Each rule finds its fixture, with file, line, severity, step, command and a fix, and nothing in the fixed file.

Fixtures are linted in the strict mode the guide's recipes use, so the fixed
file (``quiet/``) is clean down to shellcheck's style notes. That the lint finds
nothing else in examples/ is each recipe's own ``::lint`` test.
"""

from pathlib import Path

import pytest

from preflight.errors import shown_path
from preflight.lint import lint_file
from preflight.options import STRICT, Options
from preflight.rules import RULES
from preflight.secretnames import not_a_secret, secret_word
from tests.conftest import ROOT

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


def lint_step(tmp_path: Path, items: list[str], extra: str = "", code: dict[str, str] | None = None,
              options=STRICT) -> list[tuple[int, str, str]]:
    """(line, severity, rule) for each finding in a one-step file, in a folder with ``code`` beside it."""
    lines = ["- step:", "    name: train", "    image: python:3.12", "    command:",
             *(f"      - {item}" for item in items), *extra.strip("\n").splitlines()]
    (tmp_path / "valohai.yaml").write_text("\n".join(lines) + "\n")
    for name, text in (code or {}).items():
        (tmp_path / name).write_text(text)
    return [(f.line, str(f.severity), f.rule) for f in lint_file(tmp_path / "valohai.yaml", options)]


SECRET = """\
    environment-variables:
      - name: PIP_INDEX_URL
        optional: false
"""


@pytest.mark.parametrize(("items", "found"), [
    (["echo start", '"# nothing else"', "echo finished"], []),  # nothing that can fail is masked
    (['"true"', "printf 'finished\\n'"], []),
    (["python train.py", "echo finished"], [(6, "warning", "status-masked")]),
])
def test_status_masked_needs_an_earlier_item_that_can_fail(tmp_path, items, found):
    assert [f for f in lint_step(tmp_path, items) if f[2] == "status-masked"] == found


@pytest.mark.parametrize(("item", "found"), [
    ('export TOKEN="$(aws codeartifact get-authorization-token)"', [(6, "warning", "export-masks-failure")]),
    ("readonly TOKEN=`gcloud auth print-access-token`", [(6, "warning", "export-masks-failure")]),
    ('TOKEN="$(aws codeartifact get-authorization-token)"; export TOKEN', []),  # the assignment's status is aws's
    ('export PIP_INDEX_URL="https://aws:$TOKEN@$HOST"', []),  # no command whose failure it could hide
])
def test_a_declaration_hides_the_status_of_the_command_it_assigns(tmp_path, item, found):
    assert [f for f in lint_step(tmp_path, ["set -e", item, "pip install my-private-package"])
            if f[2] == "export-masks-failure"] == found


def test_an_item_that_breaks_only_when_joined_is_info_on_its_own_line(tmp_path):
    assert lint_step(tmp_path, ["nohup python watch.py &", "python train.py"]) == [(5, "info", "breaks-under-model")]
    assert lint_step(tmp_path, ["nohup python watch.py &", "python train.py"], options=Options()) == []


def test_bash_syntax_dash_stops_at_is_one_error_not_shellchecks_restatements(tmp_path):
    items = ["pip install my-private-package", "|\n        diff <(pip freeze) \\\n          <(cat requirements.txt)",
             "python train.py"]
    assert lint_step(tmp_path, items) == [(6, "error", "breaks-under-model")]


def test_a_comment_shellcheck_makes_twice_on_a_line_is_one_finding(tmp_path):
    assert lint_step(tmp_path, ["set -e", "if [[ -f a ]] && [[ -f b ]]; then echo both; fi"]) == [
        (6, "warning", "not-posix-sh")]


@pytest.mark.parametrize(("item", "found"), [
    ('pip install "numpy>=1.2" pandas', []),
    ("pip install numpy>=1.2 pandas>=2", [(6, "warning", "unquoted-requirement")]),  # one item, one finding
    ("pip install numpy<2", [(6, "error", "unquoted-requirement")]),  # reads a file named 2: the command fails
    ("pip install -r requirements.txt > pip.log 2>&1", []),
    ("echo numpy>=1.2", []),
])
def test_unquoted_requirements_are_said_once_in_the_guides_words(tmp_path, item, found):
    assert lint_step(tmp_path, ["set -e", item]) == found


PARAMETERS = """\
    parameters:
      - name: epochs
        type: integer
        default: 10
"""


@pytest.mark.parametrize(("item", "code", "found"), [
    ("python train.py {parameters}", {}, []),
    ("python train.py --epochs {parameter-value:epochs}", {}, []),
    ("python train.py", {"train.py": "import json\njson.load(open('/valohai/config/parameters.json'))\n"}, []),
    ("python train.py", {"train.py": "import valohai\nvalohai.parameters('epochs').value\n"}, []),
    ("python train.py", {"train.py": "print('hi')\n"}, [(8, "warning", "parameters-not-passed")]),
    ("python train.py", {}, [(8, "warning", "parameters-not-passed")]),  # outside its repository: said, with a caveat
    ('python train.py --epochs "$epochs"', {}, [(6, "error", "parameter-as-variable")]),
    ("python train.py --epochs {parameters.epochs}", {}, [(6, "error", "unknown-placeholder")]),
])
def test_parameters_that_never_reach_the_command(tmp_path, item, code, found):
    assert lint_step(tmp_path, ["set -e", item], PARAMETERS, code) == found


def test_parameters_not_passed_says_when_there_is_no_code_to_look_in(tmp_path):
    lint_step(tmp_path, ["python train.py"], PARAMETERS)
    [finding] = lint_file(tmp_path / "valohai.yaml", STRICT)
    assert "unless code beside the file reads /valohai/config/parameters.json" in finding.message
    (tmp_path / "train.py").write_text("print('hi')\n")
    [finding] = lint_file(tmp_path / "valohai.yaml", STRICT)
    assert "no code in the repository reads /valohai/config/parameters.json" in finding.message


def test_unused_variable_says_when_there_is_no_code_to_look_in(tmp_path):
    extra = "    environment-variables:\n      - name: MODEL_NAME\n        default: resnet50\n"
    lint_step(tmp_path, ["python train.py"], extra)
    [finding] = lint_file(tmp_path / "valohai.yaml", STRICT)
    assert "there is no code beside the file to look in" in finding.message
    assert "in the repository" not in finding.message


@pytest.mark.parametrize(("item", "extra", "found"), [
    ("printenv", "", [(5, "warning", "log-leak")]),  # no secret declared: the project's may still reach it
    ("env | sort", SECRET, [(5, "error", "log-leak")]),
    ("set", "", [(5, "warning", "log-leak")]),
    ("set -e", "", []),
    ("printenv HOME", "", []),
    ("set -x", "", []),  # echoes only what the commands use, and they use no secret
])
def test_printing_every_variable_leaks_whatever_the_step_declares(tmp_path, item, extra, found):
    assert lint_step(tmp_path, [item], extra) == found


@pytest.mark.parametrize(("item", "found"), [
    ('echo "$PIP_INDEX_URL"', [(5, "error", "log-leak")]),
    ('echo "$PIP_INDEX_URL" | tee url.txt', [(5, "error", "log-leak")]),  # tee prints what it gets
    ('echo "$PIP_INDEX_URL" || true', [(5, "error", "log-leak")]),
    ("printf '%s' \"$PIP_INDEX_URL\" | base64 -d | gcloud auth activate-service-account --key-file=-", []),
])
def test_a_secret_echoed_into_another_program_is_not_printed(tmp_path, item, found):
    assert [f for f in lint_step(tmp_path, [item], SECRET) if f[2] == "log-leak"] == found


@pytest.mark.parametrize(("default", "found"), [
    ("${NGC_API_KEY}", [(8, "error", "unexpanded-default")]),  # the only finding: not also secret-not-required
    ("$NGC_API_KEY", [(8, "error", "unexpanded-default")]),
    ("pa$$word-9f8e7d", [(8, "error", "credential-in-default")]),  # a value with a $ in it, not a variable's name
])
def test_a_secret_whose_default_names_a_variable(tmp_path, default, found):
    extra = f"    environment-variables:\n      - name: NGC_API_KEY\n        default: '{default}'\n"
    assert lint_step(tmp_path, ['test -n "$NGC_API_KEY"'], extra) == found


TOKEN_PARAMETER = """\
    parameters:
      - name: token
        type: string
        default: {default}
"""


@pytest.mark.parametrize(("default", "found"), [
    ("cmVmdGtuOjAxOjE3MzI0NTY3ODk", [(10, "error", "credential-in-default")]),
    ("<your token>", []),
])
def test_a_token_in_a_parameters_default_that_goes_into_an_index_url(tmp_path, default, found):
    item = ("pip install --index-url https://ci:{parameter-value:token}@acme.jfrog.io/artifactory/api/pypi/pypi/simple "
            "my-private-package")
    assert lint_step(tmp_path, ["set -e", item], TOKEN_PARAMETER.format(default=default)) == found


@pytest.mark.parametrize(("variables", "found"), [
    ("- name: PIP_INDEX_URL\n  default: https://acme.jfrog.io/artifactory/api/pypi/pypi/simple",
     [(8, "warning", "index-url-without-credentials")]),
    ("- name: PIP_EXTRA_INDEX_URL\n  default: https://download.pytorch.org/whl/cu121", []),  # a public index
    (("- name: UV_INDEX\n  default: acme=https://acme.jfrog.io/artifactory/api/pypi/pypi/simple\n"
      "- name: UV_INDEX_ACME_USERNAME\n  optional: false\n- name: UV_INDEX_ACME_PASSWORD\n  optional: false"), []),
])
def test_an_index_url_default_without_credentials(tmp_path, variables, found):
    extra = "    environment-variables:\n" + "\n".join(f"      {line}" for line in variables.splitlines())
    assert [f for f in lint_step(tmp_path, ["uv pip install --system my-private-package"], extra)
            if f[2] != "uv-ignores-pip-variables"] == found


@pytest.mark.parametrize(("keyring", "found"), [
    ([], [(8, "warning", "index-url-without-credentials")]),
    (["pip install keyrings.google-artifactregistry-auth"], []),  # the keyring answers the 401, as a .netrc would
])
def test_an_index_url_default_without_credentials_beside_a_keyring(tmp_path, keyring, found):
    extra = ("    environment-variables:\n      - name: PIP_INDEX_URL\n"
             "        default: https://europe-west1-python.pkg.dev/acme-ml/ml-packages/simple/")
    items = [*keyring, "pip install my-private-package"]
    assert [f for f in lint_step(tmp_path, items, extra) if f[2] == "index-url-without-credentials"] == found


@pytest.mark.parametrize(("item", "found"), [
    ('pip install --find-links "$VH_INPUTS_DIR/wheelhouse" my-private-package', [(5, "warning", "dependency-confusion")]),
    ('pip install --no-index --find-links "$VH_INPUTS_DIR/wheelhouse" my-private-package', []),
])
def test_a_wheelhouse_without_no_index_is_read_beside_pypi(tmp_path, item, found):
    assert [f for f in lint_step(tmp_path, [item]) if f[2] == "dependency-confusion"] == found


GROUP = "    environment-variable-groups:\n      - 0193b6e4-2f1a-7c3d-8e5f-6a7b8c9d0e1f\n"


@pytest.mark.parametrize(("item", "extra", "found"), [
    ("pip install --index-url https://pypi.org/simple torch", GROUP, [(5, "info", "index-url-overrides-variable")]),
    ('pip install --index-url "$PRIVATE_URL" my-private-package', GROUP, []),  # the group's own URL, likely
    ('pip install -i "$PRIVATE_URL" my-private-package', SECRET, [(5, "warning", "index-url-overrides-variable")]),
    ("pip install --index-url https://pypi.org/simple torch", "", []),
])
def test_index_url_on_the_command_line_beside_pip_index_url(tmp_path, item, extra, found):
    assert [f for f in lint_step(tmp_path, [item], extra) if f[2] != "undeclared-variable"] == found


@pytest.mark.parametrize(("items", "extra", "found"), [
    (["uv pip install --system my-private-package"], SECRET, [(6, "error", "uv-ignores-pip-variables")]),
    (["uv sync --frozen"], SECRET, [(6, "error", "uv-ignores-pip-variables")]),
    (["pip install my-private-package", "uv pip install --system scikit-learn"], SECRET,
     [(7, "warning", "uv-ignores-pip-variables")]),  # PIP_INDEX_URL may be meant for pip
    (['uv pip install --system --default-index "$PIP_INDEX_URL" my-private-package'], SECRET, []),
    (["uv run python train.py"], SECRET, []),  # resolves only what a pyproject.toml beside it would name
])
def test_uv_in_a_step_whose_only_index_setting_is_pips(tmp_path, items, extra, found):
    assert lint_step(tmp_path, ["set -e", *items], extra) == found


def test_uv_reads_its_own_index_from_the_repository(tmp_path):
    pyproject = '[[tool.uv.index]]\nname = "acme"\nurl = "https://acme.jfrog.io/artifactory/api/pypi/pypi/simple"\n'
    assert lint_step(tmp_path, ["set -e", "uv sync --frozen"], SECRET, {"pyproject.toml": pyproject}) == []


def test_uv_reads_the_index_a_requirements_file_names(tmp_path):
    requirements = {"requirements.txt": "--index-url ${PIP_INDEX_URL}\nmy-private-package\n"}
    items = ["set -e", "uv pip install --system -r requirements.txt"]
    assert lint_step(tmp_path, items, SECRET, requirements) == []
    (tmp_path / "requirements.txt").write_text("my-private-package\n")
    assert lint_step(tmp_path, items, SECRET) == [(6, "error", "uv-ignores-pip-variables")]


@pytest.mark.parametrize(("text", "found"), [
    ("[]\n", [(1, "error", "invalid-file")]),
    ("- pipeline:\n    name: p\n    nodes: []\n    edges: []\n", [(1, "error", "invalid-file")]),
    ("- stepp:\n    name: a\n    image: python:3.12\n    command: python a.py\n", [(1, "error", "valohai-yaml")]),
    ("- endpoint:\n    name: serve\n    image: python:3.12\n    server-command: python serve.py\n    port: 8000\n", []),
])
def test_a_file_with_nothing_to_run_fails(tmp_path, text, found):
    (tmp_path / "valohai.yaml").write_text(text)
    assert [(f.line, str(f.severity), f.rule) for f in lint_file(tmp_path / "valohai.yaml", STRICT)] == found


def test_every_guide_link_names_a_page_and_heading_of_the_site():
    import markdown

    from preflight.guide import PAGES

    def anchors(tokens):
        for token in tokens:
            yield token["id"]
            yield from anchors(token["children"])

    for topic, (page, anchor) in PAGES.items():
        path = next((p for p in (ROOT / "docs" / f"{page}.md", ROOT / "docs" / page / "index.md") if p.is_file()), None)
        assert path is not None, f"{topic}: no page docs/{page}.md nor docs/{page}/index.md"
        parser = markdown.Markdown(extensions=["toc", "attr_list"])
        parser.convert(path.read_text())
        assert not anchor or anchor in set(anchors(parser.toc_tokens)), f"{topic}: no heading #{anchor} on {page}"


def test_the_schema_valohai_yaml_ships_is_valid_json_schema():
    """The preflight skips valohai-yaml's check of its own schema on every run (``preflight.valohai``); this is it."""
    from jsonschema import Draft202012Validator
    from valohai_yaml.validation import get_json_schema

    Draft202012Validator.check_schema(get_json_schema())
