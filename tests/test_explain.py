"""A pasted log is sent to the section that explains it: every failure log the guide shows, under every pip.

The rules are derived from the committed logs (``harness.explain_rules``); these
tests paste every one of those logs, and every log the pip matrix recorded, and
check where each lands. The browser's copy of the algorithm is checked against
the same logs in tests/test_browser.py.
"""

import io
import re
import subprocess
import sys
from functools import cache

import pytest

from harness import catalogue, explain_rules, logs, recipes, symptoms, topology
from harness.explain_rules import Exemplar
from preflight import explain
from tests.conftest import EXAMPLES, ROOT


@cache
def exemplars() -> tuple[Exemplar, ...]:
    return tuple(explain_rules.exemplars())


def failing() -> list[Exemplar]:
    return [e for e in exemplars() if e.symptom]


def lands_on_its_section(exemplar: Exemplar, sections: list[str]) -> bool:
    """One section: the exemplar's own, or one that lists it in ``also`` (their logs look the same)."""
    return len(sections) == 1 and (sections[0] == exemplar.symptom
                                   or exemplar.symptom in symptoms.BY_ID[sections[0]].also)


def test_every_failure_shows_a_symptom():
    assert explain_rules.unassigned_failures(list(exemplars())) == [], \
        "add each to SHOWN_BY in harness/symptoms.py, then: " + explain_rules.REFRESH


def test_every_entry_names_a_scenario_and_a_symptom_that_exist():
    loaded = {folder.name: recipes.load(folder) for folder in recipes.discover(EXAMPLES)}
    problems = []
    for key, symptom in symptoms.SHOWN_BY.items():
        name, _, declared = key.partition(" ")
        slug, _, scenario = name.partition("::")
        recipe = loaded.get(slug)
        if recipe is None or scenario not in recipe.scenarios:
            problems.append(f"{key}: no scenario {name}")
        elif declared and declared not in recipe.scenarios[scenario].pips:
            problems.append(f"{key}: {name} declares no pips range {declared!r}")
        if symptom not in symptoms.BY_ID:
            problems.append(f"{key}: no symptom {symptom!r}")
    problems += [f"{s.id} lists an unknown symptom {other!r} in also" for s in symptoms.SYMPTOMS for other in s.also
                 if other not in symptoms.BY_ID]
    assert not problems, "\n".join(problems)


def test_every_symptom_is_shown_by_a_log_or_explained_by_a_section_that_lists_it():
    shown = set(symptoms.SHOWN_BY.values())
    listed = {other for s in symptoms.SYMPTOMS for other in s.also}
    assert [s.id for s in symptoms.SYMPTOMS if s.id not in shown | listed and not s.also] == []


def test_the_committed_rules_are_derived_from_the_committed_logs():
    fresh = explain_rules.render(explain_rules.document(list(exemplars())))
    assert explain.RULES_FILE.read_text() == fresh, f"preflight/explain_rules.json is out of date: {explain_rules.REFRESH}"


def test_the_refresh_command_says_the_rules_are_current(capsys):
    assert explain_rules.main(update=False) == 0
    assert capsys.readouterr().out == "preflight/explain_rules.json is current\n"


def test_every_failure_log_lands_on_its_section_under_every_pip():
    wrong = [f"{e.name} ({e.symptom}) lands on {explain.explain(e.text) or 'nothing'}" for e in failing()
             if not lands_on_its_section(e, explain.explain(e.text))]
    assert not wrong, "\n".join(wrong)
    assert {e.key for e in failing()} == set(symptoms.SHOWN_BY), "an entry of SHOWN_BY no log shows"


def test_logs_that_show_no_failure_land_nowhere():
    landed = [f"{e.name} lands on {explain.explain(e.text)}" for e in exemplars()
              if e.symptom is None and explain.explain(e.text)]
    assert not landed, "\n".join(landed)


def test_a_log_of_everything_but_the_telling_lines_lands_nowhere():
    """Every other line the guide's logs hold, failures' included: progress, pip's advice, traceback frames."""
    untelling = [line for e in exemplars() for line in e.text.splitlines()
                 if line.strip() and not logs.telling_lines(line)]
    assert len(untelling) > 1000
    assert explain.explain("\n".join(untelling)) == []


def _as_a_reader_writes_it(text: str) -> str:
    """The same log from another company: its own host and packages."""
    for host in topology.HOSTS:
        text = text.replace(host.hostname, "pypi.internal.example.org")
    names = sorted(catalogue.all_projects() - {"pip"} | set(catalogue.UNPUBLISHED), key=len, reverse=True)
    return re.sub(rf"(?<![\w./-])({'|'.join(map(re.escape, names))})(?![\w-])", "reader-package", text)


def test_a_readers_log_names_its_own_host_and_packages_and_lands_on_the_same_section():
    changed = [e for e in failing() if _as_a_reader_writes_it(e.text) != e.text]
    assert len(changed) > len(failing()) / 2
    moved = [e.name for e in changed if explain.explain(_as_a_reader_writes_it(e.text)) != explain.explain(e.text)]
    assert not moved, moved


def test_the_rules_name_no_package_nor_host_of_the_guide():
    patterns = " ".join(p for rule in explain.load()["rules"] for p in rule["patterns"])
    named = [name for name in (catalogue.all_projects() - {"pip"}) | set(catalogue.UNPUBLISHED)
             if re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", patterns)]
    named += [host.hostname for host in topology.HOSTS if host.hostname in patterns]
    assert not named


def test_a_log_that_shows_two_failures_lands_on_both_sections():
    uv = (EXAMPLES / "uv" / "logs" / "wrong-token.log").read_text()
    curl = (EXAMPLES / "check-index-url" / "logs" / "host-unreachable.log").read_text()
    assert explain.explain(uv + curl) == ["unauthorized-401", "unreachable"]


def test_logs_that_look_alike_go_to_the_section_that_lists_both_or_fail_the_rules():
    text = "ERROR: Could not find a version that satisfies the requirement x (from versions: none)\n"
    alike = [Exemplar("a", "missing-package::misspelled-name", "failure", text),  # package-not-found
             Exemplar("b", "verify-authentication::wrong-password", "failure", text)]  # unauthorized-401
    assert [r["section"] for r in explain_rules.rules(alike)] == ["no-matching-distribution"]
    unrelated = [Exemplar("a", "missing-package::misspelled-name", "failure", text),
                 Exemplar("c", "check-index-url::host-unreachable", "failure", text)]  # unreachable
    with pytest.raises(explain_rules.RulesError, match="package-not-found, unreachable can't be told apart"):
        explain_rules.rules(unrelated)


def test_a_failure_without_a_symptom_or_without_telling_lines_fails_the_rules():
    with pytest.raises(explain_rules.RulesError, match="x::y fails, and harness/symptoms.py names no symptom"):
        explain_rules.rules([Exemplar("x::y", None, "failure", "ERROR: boom\n")])
    with pytest.raises(explain_rules.RulesError, match="a shows package-not-found, but its log has no telling line"):
        explain_rules.rules([Exemplar("a", "missing-package::misspelled-name", "failure", "Collecting x\n")])


@pytest.mark.parametrize(("line", "reader"), [
    ("WARNING: 401 Error, Credentials not correct for https://acme.jfrog.io/artifactory/api/pypi/pypi-virtual/simple/pip/",
     "WARNING: 401 Error, Credentials not correct for https://corp.jfrog.io/artifactory/api/pypi/ml/simple/torch/"),
    ("ERROR: Could not find a version that satisfies the requirement my-private-models==1.4.0 (from versions: 1.2.2)",
     ("2026-01-05 10:00:01 ERROR: Could not find a version that satisfies the requirement corp-lib>=2 (from -r "
      "requirements.txt (line 3)) (from versions: 0.1, 1.0rc1)")),
    ("curl: (7) Failed to connect to artifactory.acme.internal port 443 after 0 ms: Couldn't connect to server",
     "curl: (7) Failed to connect to 10.0.0.12 port 8081 after 2013 ms: Couldn't connect to server"),
])
def test_a_pattern_finds_the_line_a_reader_would_paste(line, reader):
    assert re.search(explain_rules.pattern(line), line) and re.search(explain_rules.pattern(line), reader)


def test_versions_listed_and_none_are_told_apart():
    listed = explain_rules.pattern("ERROR: Could not find a version that satisfies the requirement a==2 "
                                   "(from versions: 1.0)")
    assert not re.search(listed, "ERROR: Could not find a version that satisfies the requirement a (from versions: none)")


def test_explain_answers_on_the_command_line_with_the_sections_address(tmp_path):
    log = tmp_path / "ci.log"
    log.write_text((EXAMPLES / "verify-authentication" / "logs" / "wrong-password.log").read_text())
    result = subprocess.run([sys.executable, "-m", "preflight", "explain", str(log)], cwd=ROOT,
                            capture_output=True, text=True, timeout=60, check=False)
    section = explain.load()["sections"]["unauthorized-401"]
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [section["title"], section["cause"], explain.link(explain.load(), section)]
    assert result.stdout.splitlines()[-1] == "docs/troubleshooting.md#unauthorized-401"  # mkdocs.yml has no site_url


def test_explain_reads_standard_input_and_says_when_nothing_matches(monkeypatch, capsys):
    noise = "WARNING: Running pip as the 'root' user can result in broken permissions\n[notice] To update, run: pip\n"
    monkeypatch.setattr(sys, "stdin", io.StringIO(noise))
    assert explain.main(["-"]) == 1
    assert capsys.readouterr().out == ("Nothing in this log matches a failure the guide explains.\n"
                                       "Compare what it says with the list of symptoms: docs/troubleshooting.md#symptoms\n")


def test_explain_says_which_file_it_cant_read(tmp_path, capsys):
    assert explain.main([str(tmp_path / "missing.log")]) == 2
    assert capsys.readouterr().err == f"valohai-preflight explain: can't read {tmp_path / 'missing.log'}: No such file or directory\n"
    assert explain.main([str(tmp_path)]) == 2
    assert "Is a directory" in capsys.readouterr().err
    with pytest.raises(SystemExit) as usage:
        explain.main([])
    assert usage.value.code == 2


def test_the_section_address_is_the_published_one_when_the_site_names_itself(tmp_path):
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: x\nsite_url: https://valohai.github.io/private-pypi-guide\n")
    data = {"site": explain_rules.site_url(config)}
    place = {"page": "setup/credentials.md", "anchor": "a", "url": explain_rules.page_url("setup/credentials.md") + "#a"}
    assert explain.link(data, place) == "https://valohai.github.io/private-pypi-guide/setup/credentials/#a"


def test_explain_ships_with_the_preflight_and_imports_nothing_of_the_guides_tooling():
    """`pip install` of this repository installs the preflight package: the rules must be in it, and explain must run
    with the standard library alone."""
    assert explain.RULES_FILE.parent == (ROOT / "preflight")
    code = ("import sys, preflight.cli as p; status = p.main(['explain', sys.argv[1]]); "
            "print(status, ' '.join(sorted({m.split('.')[0] for m in sys.modules})))")
    log = EXAMPLES / "connection-failures" / "logs" / "firewalled.log"
    result = subprocess.run([sys.executable, "-c", code, str(log)], cwd=ROOT, capture_output=True, text=True,
                            timeout=60, check=False)
    status, imported = result.stdout.splitlines()[-1].split(" ", 1)
    assert status == "0", result.stdout + result.stderr
    outside = {m for m in imported.split() if not m.startswith("_")} - set(sys.stdlib_module_names) - {"preflight"}
    assert outside == set(), "explain imports only the standard library"
