"""The preflight as a user runs it: quiet on what real files do right, loud on what they get wrong, never a traceback.

Each folder under ``preflight/patterns/`` reproduces a pattern from public
valohai.yaml files (``preflight/corpus.tsv`` lists them; ``patterns/README.md``
says which pattern came from which file) and holds what the default run shows.
``preflight/corpus-findings.tsv`` records what a default run finds in each public
file, linted in its repository, and why each finding is right.
"""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from docs_macros.preflight import render_preflight
from harness import cli
from preflight import cli as preflight
from preflight.errors import shown_path
from preflight.lint import lint_file
from preflight.options import Options
from preflight.rules import RULES
from tests.conftest import ROOT

HERE = Path(__file__).parent / "preflight"
PATTERNS = sorted(p for p in (HERE / "patterns").iterdir() if p.is_dir())
LINT = Path(__file__).parent / "lint"


@pytest.mark.parametrize("folder", PATTERNS, ids=lambda p: p.name)
def test_pattern_from_the_corpus(folder: Path):
    findings = lint_file(folder / "valohai.yaml", Options())
    assert all(f.line >= 1 and f.fix for f in findings)
    shown = [str(f).replace(shown_path(f.path), f.path.name) for f in findings]
    assert shown == (folder / "expected.txt").read_text().splitlines()


def test_every_pattern_says_where_it_comes_from():
    readme = (HERE / "patterns" / "README.md").read_text()
    assert [p.name for p in PATTERNS if f"`{p.name}`" not in readme] == []


def test_corpus_list_names_repository_path_and_commit():
    rows = [line.split("\t") for line in (HERE / "corpus.tsv").read_text().splitlines()[1:]]
    assert len(rows) >= 100
    assert all(len(row) >= 3 and "/" in row[0] and re.fullmatch(r"[0-9a-f]{40}", row[2]) for row in rows)


def test_every_finding_on_the_corpus_is_recorded_with_why_it_is_right():
    """corpus-findings.tsv holds, for each file, each finding of a default run and why it is right: as many as
    corpus.tsv counts for the file, each of a rule the preflight has, each with a reason."""
    files = {row[3]: row for row in (line.split("\t") for line in (HERE / "corpus.tsv").read_text().splitlines()[1:])}
    findings = [line.split("\t") for line in (HERE / "corpus-findings.tsv").read_text().splitlines()[1:]]
    assert all(row[4] in ("repository", "file") for row in files.values())
    assert all(n in files and line.isdigit() and severity in ("error", "warning") and rule in RULES and why.strip()
               for n, line, severity, rule, why in findings)
    counted = {n: int(row[5]) for n, row in files.items()}
    recorded = {n: sum(f[0] == n for f in findings) for n in files}
    assert recorded == counted


def run(capsys, *argv: str) -> tuple[int, str, str]:
    status = preflight.main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_exit_status_follows_the_gate(capsys):
    error, warning = LINT / "log-leak" / "finds", LINT / "status-masked" / "finds"
    assert run(capsys, str(error))[0] == 1
    assert run(capsys, str(warning))[0] == 0
    assert run(capsys, "--fail-on", "warning", str(warning))[0] == 1
    assert run(capsys, str(LINT / "unused-variable" / "finds"))[:2] == (0, "1 file: no findings\n")
    status, out, _ = run(capsys, "--strict", str(LINT / "unused-variable" / "finds"))
    assert status == 1 and "info unused-variable" in out


def test_json_output(capsys):
    status, out, _ = run(capsys, "--format", "json", str(LINT / "credential-in-default" / "finds"))
    report = json.loads(out)
    assert status == 1 and report["files"] == 1 and report["counts"] == {"error": 1, "warning": 0, "info": 0}
    [finding] = report["findings"]
    assert finding["rule"] == "credential-in-default" and finding["line"] == 8 and finding["severity"] == "error"
    assert finding["step"] == "train" and finding["fix"]
    assert "cmVmdGtu" not in out  # the token in the fixture's default is never repeated


def test_json_names_the_guides_page_and_the_tools_code(capsys):
    _, out, _ = run(capsys, "--format", "json", str(LINT / "not-posix-sh" / "finds"))
    [finding] = json.loads(out)["findings"]
    assert finding["reference"] == "shellcheck SC3010" and finding["guide"] is None
    _, out, _ = run(capsys, "--format", "json", str(LINT / "status-masked" / "finds"))
    [finding] = json.loads(out)["findings"]
    assert finding["guide"].startswith("https://valohai.github.io/private-pypi-guide/") and finding["reference"] is None


def test_lint_is_the_default_command_and_can_be_named(capsys):
    fixture = str(LINT / "log-leak" / "finds")
    assert run(capsys, "lint", fixture) == run(capsys, fixture)


def test_help_loads_neither_the_rules_nor_valohai_yaml():
    """--help, and any mistake in the options, answer before the parser and the rules are imported."""
    code = ("import sys, preflight.cli\ntry:\n    preflight.cli.main(['--help'])\nexcept SystemExit:\n    pass\n"
            "print(' '.join(sorted(sys.modules)))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
                            check=True)
    loaded = set(result.stdout.splitlines()[-1].split())
    assert "usage: valohai-preflight" in result.stdout
    assert {"valohai_yaml", "jsonschema", "preflight.lint", "preflight.document"} & loaded == set()


def test_github_annotations(capsys):
    _, out, _ = run(capsys, "--format", "github", str(LINT / "bare-shell-c" / "finds"))
    first = out.splitlines()[0]
    assert re.match(r"^::warning file=[^,]+valohai\.yaml,line=5,title=bare-shell-c::step 'train', command `bash -c`: ", first)


def test_rules_can_be_enabled_and_disabled(capsys):
    fixture = str(LINT / "log-leak" / "finds")
    assert run(capsys, "--disable", "log-leak", fixture)[0] == 0
    status, out, _ = run(capsys, "--enable", "status-masked,log-leak", "--disable", "log-leak", fixture)
    assert status == 0 and out == "1 file: no findings\n"
    status, _, err = run(capsys, "--disable", "log-leaks", fixture)
    assert status == 2 and "unknown rule 'log-leaks' (did you mean 'log-leak'?)" in err


@pytest.mark.parametrize("comment", ["same-line", "line-above"])
def test_inline_ignore(tmp_path, capsys, comment):
    item = '      - echo "Authentication successful"'
    ignore = "# preflight: ignore[status-masked]"
    lines = [f"      {ignore}", item] if comment == "line-above" else [f"{item}  {ignore}"]
    (tmp_path / "valohai.yaml").write_text("\n".join([
        "- step:", "    name: check", "    image: python:3.12", "    command:",
        "      - pip install --dry-run my-private-package", *lines, ""]))
    assert run(capsys, "--fail-on", "warning", str(tmp_path)) == (0, "1 file: no findings\n", "")


def test_paths_that_are_not_there(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    status, _, err = run(capsys)
    assert status == 2 and "has no valohai.yaml" in err
    status, _, err = run(capsys, "missing.yaml")
    assert status == 2 and "missing.yaml: no such file" in err
    (tmp_path / "valohai.yml").write_text("- step:\n    name: a\n    image: python:3.12\n    command: python a.py\n")
    assert run(capsys)[0] == 0  # the current folder, and the .yml spelling


def test_the_harness_command_is_the_preflight(capsys):
    assert cli.main(["lint", "--format", "json", str(LINT / "status-masked" / "finds")]) == 0
    assert json.loads(capsys.readouterr().out)["counts"]["warning"] == 1


def test_the_page_shows_a_real_run_on_a_real_looking_repository():
    page = render_preflight("tests/preflight/page")
    findings = lint_file(HERE / "page" / "valohai.yaml", Options())
    assert '```text title="$ valohai-preflight  (exit status 1)"' in page
    assert {f.rule for f in findings} >= {"unknown-placeholder", "credential-in-default", "dependency-confusion"}
    assert all(str(f).replace(shown_path(f.path), "valohai.yaml") in page for f in findings)
