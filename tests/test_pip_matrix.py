"""The pip matrix's parts that need no pip wheel: declarations, logs compared, images laid out, pages rendered.

The matrix itself runs with ``pytest --pip-matrix`` (README), not in the default suite; the shape of each
recipe's table, which needs no pip, is checked here.
"""

import hashlib
import platform
import shutil
import zipfile
from pathlib import Path

import pytest

from docs_macros import pips
from harness import fetch, pip_versions, recipes, tables, toolsets
from preflight import models
from preflight.errors import RecipeError
from tests.conftest import EXAMPLES, ROOT


def with_pips(tmp_path: Path, pips: str) -> Path:
    """A copy of verify-authentication whose wrong-password scenario declares ``pips`` (YAML, indented)."""
    folder = tmp_path / "examples" / "verify-authentication"
    shutil.copytree(EXAMPLES / "verify-authentication", folder)
    path = folder / "scenarios.yaml"
    text = path.read_text()
    start = text.index("  wrong-password:")
    end = text.index("  no-credentials:")
    block = text[start:end]
    block = block[:block.index("    pips:")] if "    pips:" in block else block.rstrip("\n") + "\n"
    path.write_text(text[:start] + block + "    pips:\n" + pips + "\n" + text[end:])
    return folder


def problems(folder: Path) -> list[str]:
    with pytest.raises(RecipeError) as caught:
        recipes.load(folder)
    return [p.message for p in caught.value.problems]


def test_a_declared_range_replaces_the_expectations_of_the_pips_it_takes_in(tmp_path):
    folder = with_pips(tmp_path, '      "<22.2":\n        because: no --dry-run\n        outcome: success\n')
    scenario = recipes.load(folder).scenarios["wrong-password"]
    assert scenario.pip_range("20.2.4") == "<22.2" and scenario.pip_range("23.0.1") is None
    assert scenario.expect_under_pip(models.DEFAULT, "22.0.4").outcome == "success"
    assert scenario.expect_under_pip(models.DEFAULT, "23.0.1").outcome == "failure"


def test_a_range_that_says_what_the_log_shows_replaces_both_kinds_of_log_line(tmp_path):
    """wrong-password expects a whole line and part of another; a pip that stops earlier prints neither."""
    folder = with_pips(tmp_path, '      "<22.2":\n        because: no --dry-run\n        log: ["no such option: --dry-run"]\n')
    expect = recipes.load(folder).scenarios["wrong-password"].expect_under_pip(models.DEFAULT, "20.2.4")
    assert expect.log == ["no such option: --dry-run"] and expect.log_contains == []


@pytest.mark.parametrize(("pips", "message"), [
    ('      "twenty-two":\n        because: x\n', "'twenty-two' is not a pip version range (write e.g. '<22.2' or '>=22.2,<26.2')"),
    ('      "<20":\n        because: x\n', "pips '<20' takes in no pip of the matrix"),
    ('      ">=22":\n        because: x\n', f"pips '>=22' takes in the pinned pip {pip_versions.PINNED}"),
    ('      "<23":\n        because: x\n      "<22.2":\n        because: y\n', "pips '<22.2' and '<23' both take in pip"),
])
def test_a_range_that_checks_nothing_or_the_pinned_pip_or_twice_is_refused(tmp_path, pips, message):
    assert any(m.startswith(message) for m in problems(with_pips(tmp_path, pips))), problems(with_pips(tmp_path / "again", pips))


def test_a_range_must_say_why(tmp_path):
    found = problems(with_pips(tmp_path, '      "<22.2":\n        outcome: success\n'))
    assert any("because" in m and "required" in m for m in found), found


def test_logs_are_compared_without_upgrade_notices_and_traceback_frames():
    pinned = "# header\nLooking in indexes: x\nTraceback (most recent call last):\n" \
             '  File "/usr/local/lib/python3.11/site-packages/pip/a.py", line 10, in run\n    return f()\n' \
             "           ^^^\nEOFError: EOF when reading a line\n"
    older = "# other header\nLooking in indexes: x\nTraceback (most recent call last):\n" \
            '  File "/usr/local/lib/python3.11/site-packages/pip/b.py", line 99, in main\n    status = run()\n' \
            "EOFError: EOF when reading a line\n" \
            "[notice] A new release of pip is available: 22.0.4 -> 26.3\n[notice] To update, run: pip install --upgrade pip\n" \
            "WARNING: You are using pip version 20.2.4; however, version 26.3 is available.\n" \
            "You should consider upgrading via the '/usr/local/bin/python3.11 -m pip install --upgrade pip' command.\n" \
            "no such option: --dry-run\n"
    assert tables.log_difference(pinned, older) == ("+ no such option: --dry-run",)
    assert tables.log_difference(older, older) == ()


def test_package_lists_in_any_order_and_object_addresses_compare_equal():
    one = "Installing collected packages: numpy, joblib\nSuccessfully installed numpy-1 joblib-2\n" \
          "error by '<HTTPSConnection object at 0x7fd015955510>'\n"
    other = "Installing collected packages: joblib, numpy\nSuccessfully installed joblib-2 numpy-1\n" \
            "error by '<HTTPSConnection object at 0x7ff87bc378d0>'\n"
    assert tables.log_difference(one, other) == ()


def test_lines_that_only_moved_are_no_difference_and_the_rest_reads_in_a_fixed_order():
    pinned = "Collecting a\nCollecting b\nok\n"
    older = "Collecting b (from x)\nCollecting a (from x)\nok\nno such option: --dry-run\n"
    again = "Collecting a (from x)\nok\nCollecting b (from x)\nno such option: --dry-run\n"
    expected = ("- Collecting a", "- Collecting b", "+ Collecting a (from x)", "+ Collecting b (from x)",
                "+ no such option: --dry-run")
    assert tables.log_difference(pinned, older) == expected
    assert tables.log_difference(pinned, again) == expected


def test_lines_that_moved_with_the_indented_lines_under_them_are_no_difference():
    """pip 20.2's legacy resolver collects a package's dependencies in an order that changes from run to run (a
    frozenset in pkg_resources); pip wheel prints each one's Saved line under it."""
    pinned = "Collecting a\nCollecting b\n"
    older = "Collecting b\n  Saved /w/b.whl\nCollecting a\n  Saved /w/a.whl\n"
    again = "Collecting a\n  Saved /w/a.whl\nCollecting b\n  Saved /w/b.whl\n"
    assert tables.log_difference(pinned, older) == tables.log_difference(pinned, again) == (
        "+   Saved /w/a.whl", "+   Saved /w/b.whl")


def test_a_recorded_difference_gives_back_the_other_pips_lines():
    pinned = "# header\nCollecting a\nCollecting b\nERROR: No matching distribution found for a\n"
    older = "Collecting b (from x)\nCollecting a (from x)\nUser for acme.jfrog.io:\nEOFError: EOF when reading a line\n"
    rebuilt = tables.apply_difference(pinned, tables.log_difference(pinned, older))
    assert sorted(rebuilt) == sorted(tables.comparable_lines(older))
    assert tables.apply_difference(pinned, ()) == tables.comparable_lines(pinned)


def fake_wheel(folder: Path, version: str, requires_python: str = ">=3.7") -> Path:
    """A wheel laid out like pip's, enough for the image's files (not a pip that runs)."""
    path = folder / f"pip-{version}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("pip/__init__.py", f'__version__ = "{version}"\n')
        archive.writestr(toolsets.CERTIFI_BUNDLE, "-----BEGIN CERTIFICATE-----\nmozilla\n-----END CERTIFICATE-----\n")
        archive.writestr(f"pip-{version}.dist-info/METADATA",
                         f"Metadata-Version: 2.1\nName: pip\nVersion: {version}\nRequires-Python: {requires_python}\n")
    return path


@pytest.mark.parametrize(("version", "certifi_has_the_ca"), [
    ("20.2.4", True), ("24.0", True), ("24.2", False), ("26.0.1", False), ("26.3", False),
])
def test_an_older_pip_is_laid_out_as_installed_with_the_session_ca_where_it_needs_certifi(
        tmp_path, version, certifi_has_the_ca):
    site = toolsets.unpack(fake_wheel(tmp_path, version), tmp_path / "site", b"SESSION CA\n")
    assert (site / f"pip-{version}.dist-info" / "INSTALLER").read_text() == "pip\n"  # so its version check runs
    assert ("SESSION CA" in (site / toolsets.CERTIFI_BUNDLE).read_text()) is certifi_has_the_ca
    assert list(site.glob("pip/__pycache__/*.pyc")), "compiled once, as pip compiles what it installs"


def test_a_pip_that_cannot_run_here_is_reported_with_the_reason(tmp_path):
    site = toolsets.unpack(fake_wheel(tmp_path, "99.0", requires_python=">=3.99"), tmp_path / "site", b"")
    assert "it requires Python >=3.99" in str(toolsets.unrunnable("99.0", site))
    broken = toolsets.unpack(fake_wheel(tmp_path, "98.0"), tmp_path / "broken", b"")
    reason = str(toolsets.unrunnable("98.0", broken))  # no pip._internal: it fails to start
    assert reason.startswith("pip 98.0 cannot run on Python") and "ModuleNotFoundError" in reason


def test_a_missing_wheel_names_the_command_that_fetches_it(tmp_path, monkeypatch):
    monkeypatch.setattr(pip_versions, "WHEELS", tmp_path / "cache")
    monkeypatch.setattr(pip_versions, "ROOT", tmp_path)
    with pytest.raises(FileNotFoundError, match="python -m harness fetch"):
        pip_versions.wheel("22.0.4")


def test_fetch_keeps_a_cached_wheel_only_if_its_hash_is_pypis(tmp_path, monkeypatch):
    monkeypatch.setattr(fetch, "WHEELS", tmp_path)
    pip = pip_versions.OLDER[0]
    wheel = tmp_path / f"pip-{pip.version}-py3-none-any.whl"
    wheel.write_bytes(b"not the wheel")
    assert fetch.cached("pip", pip.version, (pip.sha256,)) is None
    assert fetch.cached("pip", pip.version, (hashlib.sha256(b"not the wheel").hexdigest(),)) == wheel


def test_the_matrix_lists_each_pip_once_oldest_first_ending_with_the_pinned_one():
    from packaging.version import Version

    versions = [Version(v) for v in pip_versions.MATRIX]
    assert versions == sorted(set(versions)) and pip_versions.MATRIX[-1] == pip_versions.PINNED
    assert any(v < Version("22.2") for v in versions), "a pip without install --dry-run"
    assert all(p.why and p.sources for p in pip_versions.OLDER)


def test_a_recipes_page_line_says_in_reader_words_which_pips_differ_and_why():
    line = pips.tested_with("verify-authentication")
    first, pinned = pip_versions.MATRIX[0], pip_versions.PINNED
    assert line.startswith(f"**Tested with pip {first} to {pinned}.** Where older pips differ:")
    assert "- pip 20.2.4 and 22.0.4: pip install --dry-run came in pip 22.2" in line
    assert "valid-credentials" not in line and "matrix" not in line, "no scenario names, no test vocabulary"
    assert pips.tested_with("extra-index-url") == f"**Tested with pip {first} to {pinned}.**"
    assert pips.tested_with("uv") == "", "a recipe that runs no pip says nothing of pips"
    assert "Only the log reads differently." in pips.tested_with("verify-authentication-any-pip"), \
        "a range that changes only the log is no failure"


def test_the_matrix_runs_the_scenarios_that_run_pip_and_no_other():
    """A scenario that runs only uv or curl, or never runs, is the same under every pip."""
    names = lambda slug: [p.name for p in tables.matrix_plans(recipes.load(EXAMPLES / slug))]
    assert names("uv") == [] and names("check-index-url") == []
    assert names("verify-authentication") == list(recipes.load(EXAMPLES / "verify-authentication").scenarios)
    assert "secret-not-set" not in names("use-in-executions"), "a rejected execution runs no pip"
    assert names("codeartifact"), "pip install awscli runs pip, in a uv image"


def test_a_table_left_stale_by_a_new_scenario_or_a_changed_range_fails_its_shape_check(tmp_path):
    folder = with_pips(tmp_path, '      "<22.2":\n        because: no --dry-run\n        outcome: success\n')
    verdict = tables.table_verdict(recipes.load(folder))
    assert "wrong-password under pip 23.0.1 was judged under pips '>=22.2,<26.2', the scenario file now declares None" \
        in verdict.detail
    path = folder / "scenarios.yaml"
    path.write_text(path.read_text().replace("  no-credentials:", "  no-credentials-again:"))
    assert "it has scenarios" in tables.table_verdict(recipes.load(folder)).detail


@pytest.mark.parametrize("wrong", ["examples/verify-authentication", "99.0", ","])
def test_pips_takes_versions_of_the_matrix_and_refuses_anything_else(recipe_pytest, wrong):
    result = recipe_pytest("verify-authentication").runpytest_subprocess("--pips", wrong, "--collect-only")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "not in the matrix (20.2.4, " in result.stderr.str()


def test_pips_implies_the_matrix_and_collects_only_its_items(recipe_pytest):
    result = recipe_pytest("verify-authentication").runpytest_subprocess("--pips=24.0", "--collect-only", "-q")
    ids = [line for line in result.stdout.lines if "::" in line]
    scenarios = recipes.load(EXAMPLES / "verify-authentication").scenarios
    assert sorted(ids) == sorted(["examples/verify-authentication/scenarios.yaml::pip-matrix-table",
                                  *(f"examples/verify-authentication/scenarios.yaml::{n}[pip-24.0]" for n in scenarios)])


_UNRUNNABLE_PIPS = '''
from harness import lab, toolsets
from harness.errors import ToolsetError

_toolset = lab.Lab.toolset


def _no_other_pip_runs_here(self, pip=None, uv=None):  # every older pip fails as one that needs another Python does
    if pip and pip != toolsets.PINNED_PIP:
        raise ToolsetError(str(toolsets.Unrunnable(pip, "it requires Python >=3.99")))
    return _toolset(self, pip, uv)


lab.Lab.toolset = _no_other_pip_runs_here
'''


@pytest.mark.parametrize(("ci", "workers", "status", "word"), [("", "0", 0, "skipped"), ("1", "1", 1, "failed")],
                         ids=["here", "in-ci-with-xdist"])
def test_the_summary_says_why_a_pip_could_not_run_and_ci_fails_on_it(recipe_pytest, monkeypatch, ci, workers, status,
                                                                       word):
    """Also: --pip-matrix takes no value, so the path after it is what runs (not the other recipe)."""
    pytester = recipe_pytest("verify-authentication", "verify-authentication-any-pip", conftest=_UNRUNNABLE_PIPS)
    if ci:
        monkeypatch.setenv("CI", ci)
    else:
        monkeypatch.delenv("CI", raising=False)
    result = pytester.runpytest_subprocess("-n", workers, "-v", "--pip-matrix", "examples/verify-authentication",
                                           "--pips=20.2.4,24.0")
    out = result.stdout.str()
    assert result.ret == status, out
    assert "no-credentials[pip-24.0]" in out and "any-pip" not in out, out
    assert "pips of the matrix that cannot run here" in out, out
    items = len(recipes.load(EXAMPLES / "verify-authentication").scenarios)  # one per scenario, under each pip
    for version in ("20.2.4", "24.0"):
        assert f"pip {version} cannot run on Python {platform.python_version()}: it requires Python >=3.99 " \
               f"({items} item(s) {word})" in out, out


def test_the_uv_check_runs_the_scenarios_that_run_uv_and_the_page_names_them_all():
    assert tables._RUNS_UV.search("set -e\nuv pip install --system x") and tables._RUNS_UV.search("uvx ruff")
    assert not any(tables._RUNS_UV.search(s) for s in ("pip install uv-tools", "cp uv.lock .", "$HOME/.local/uv"))
    plans = [p for folder in recipes.discover(EXAMPLES) for p in tables.uv_plans(recipes.load(folder))]
    page = (ROOT / "docs" / "about" / "pip-versions.md").read_text()
    section = page[page.index("## And uv?"):page.index("To check it again")]
    named = " ".join(section.split())
    missing = sorted({p.recipe.slug for p in plans if p.recipe.slug not in named})
    assert f"The {len(plans)} scenarios that run uv" in named and not missing, \
        f"{len(plans)} scenarios run uv, also in {missing}: run python -m harness matrix-uv, then update the page"
    assert f"under uv {pip_versions.OLDER_UV.version}," in named and f"pinned uv {pip_versions.PINNED_UV}" in named


def test_matrix_uv_takes_the_uv_wheel_set_up_fetched_only_if_its_hash_is_pypis(tmp_path, monkeypatch):
    monkeypatch.setattr(fetch, "WHEELS", tmp_path)
    monkeypatch.setattr(fetch, "ROOT", tmp_path.parent)
    uv = pip_versions.OLDER_UV
    wheel = tmp_path / f"uv-{uv.version}-py3-none-manylinux_2_17_x86_64.whl"
    wheel.write_bytes(b"not the wheel")
    with pytest.raises(FileNotFoundError, match=r"uv 0.12.24's wheel is not in .*python -m harness fetch"):
        fetch.uv_wheel(uv.version)
    right = pip_versions.OlderUv(uv.version, (hashlib.sha256(b"not the wheel").hexdigest(),), "")
    monkeypatch.setattr(fetch, "OLDER_UV", right)
    assert fetch.uv_wheel(uv.version) == wheel
