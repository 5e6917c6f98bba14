"""The pip matrix's parts that need no pip wheel: declarations, logs compared, images laid out, pages rendered.

The matrix itself runs with ``pytest --pip-matrix`` (README), not in the default suite.
"""

import hashlib
import shutil
import zipfile
from pathlib import Path

import pytest

import macros
from harness import models, pip_fetch, pip_images, pip_table, pip_versions, recipes
from harness.errors import RecipeError
from tests.conftest import EXAMPLES


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
    assert pip_table.log_difference(pinned, older) == ("+ no such option: --dry-run",)
    assert pip_table.log_difference(older, older) == ()


def test_package_lists_in_any_order_and_object_addresses_compare_equal():
    one = "Installing collected packages: numpy, joblib\nSuccessfully installed numpy-1 joblib-2\n" \
          "error by '<HTTPSConnection object at 0x7fd015955510>'\n"
    other = "Installing collected packages: joblib, numpy\nSuccessfully installed joblib-2 numpy-1\n" \
            "error by '<HTTPSConnection object at 0x7ff87bc378d0>'\n"
    assert pip_table.log_difference(one, other) == ()


def test_lines_that_only_moved_are_no_difference_and_the_rest_reads_in_a_fixed_order():
    pinned = "Collecting a\nCollecting b\nok\n"
    older = "Collecting b (from x)\nCollecting a (from x)\nok\nno such option: --dry-run\n"
    again = "Collecting a (from x)\nok\nCollecting b (from x)\nno such option: --dry-run\n"
    expected = ("- Collecting a", "- Collecting b", "+ Collecting a (from x)", "+ Collecting b (from x)",
                "+ no such option: --dry-run")
    assert pip_table.log_difference(pinned, older) == expected
    assert pip_table.log_difference(pinned, again) == expected


def fake_wheel(folder: Path, version: str, requires_python: str = ">=3.7") -> Path:
    """A wheel laid out like pip's, enough for the image's files (not a pip that runs)."""
    path = folder / f"pip-{version}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("pip/__init__.py", f'__version__ = "{version}"\n')
        archive.writestr(pip_images.CERTIFI_BUNDLE, "-----BEGIN CERTIFICATE-----\nmozilla\n-----END CERTIFICATE-----\n")
        archive.writestr(f"pip-{version}.dist-info/METADATA",
                         f"Metadata-Version: 2.1\nName: pip\nVersion: {version}\nRequires-Python: {requires_python}\n")
    return path


@pytest.mark.parametrize(("version", "certifi_has_the_ca"), [
    ("20.2.4", True), ("24.0", True), ("24.2", False), ("26.0.1", False), ("26.3", False),
])
def test_an_older_pip_is_laid_out_as_installed_with_the_session_ca_where_it_needs_certifi(
        tmp_path, version, certifi_has_the_ca):
    site = pip_images.unpack(fake_wheel(tmp_path, version), tmp_path / "site", b"SESSION CA\n")
    assert (site / f"pip-{version}.dist-info" / "INSTALLER").read_text() == "pip\n"  # so its version check runs
    assert ("SESSION CA" in (site / pip_images.CERTIFI_BUNDLE).read_text()) is certifi_has_the_ca
    assert list(site.glob("pip/__pycache__/*.pyc")), "compiled once, as pip compiles what it installs"


def test_a_pip_that_cannot_run_here_is_reported_with_the_reason(tmp_path):
    site = pip_images.unpack(fake_wheel(tmp_path, "99.0", requires_python=">=3.99"), tmp_path / "site", b"")
    assert "it requires Python >=3.99" in str(pip_images.unrunnable("99.0", site))
    broken = pip_images.unpack(fake_wheel(tmp_path, "98.0"), tmp_path / "broken", b"")
    reason = str(pip_images.unrunnable("98.0", broken))  # no pip._internal: it fails to start
    assert reason.startswith("pip 98.0 cannot run on Python") and "ModuleNotFoundError" in reason


def test_a_missing_wheel_names_the_command_that_fetches_it(tmp_path, monkeypatch):
    monkeypatch.setattr(pip_versions, "WHEELS", tmp_path / "cache")
    monkeypatch.setattr(pip_versions, "ROOT", tmp_path)
    with pytest.raises(FileNotFoundError, match="python -m harness fetch-pips"):
        pip_versions.wheel("22.0.4")


def test_fetch_pips_keeps_a_cached_wheel_only_if_its_hash_is_pypis(tmp_path, monkeypatch):
    monkeypatch.setattr(pip_fetch, "WHEELS", tmp_path)
    pip = pip_versions.OLDER[0]
    wheel = tmp_path / f"pip-{pip.version}-py3-none-any.whl"
    wheel.write_bytes(b"not the wheel")
    assert pip_fetch.cached(pip) is None
    right = pip_versions.MatrixPip(pip.version, hashlib.sha256(b"not the wheel").hexdigest(), "", ())
    assert pip_fetch.cached(right) == wheel


def test_the_matrix_lists_each_pip_once_oldest_first_ending_with_the_pinned_one():
    from packaging.version import Version

    versions = [Version(v) for v in pip_versions.MATRIX]
    assert versions == sorted(set(versions)) and pip_versions.MATRIX[-1] == pip_versions.PINNED
    assert any(v < Version("22.2") for v in versions), "a pip without install --dry-run"
    assert all(p.why and p.sources for p in pip_versions.OLDER)


def test_a_recipes_page_line_shows_its_declared_differences_from_the_committed_table():
    line = macros.render_pip_line("verify-authentication", "../pip-versions.md")
    assert "](../pip-versions.md#verify-authentication)" in line
    assert "| 20.2.4, 22.0.4 (`<22.2`) | valid-credentials | pip install --dry-run exists from pip 22.2 on" in line
    every = macros.render_pip_line("extra-index-url", None)
    assert every == f"**Which pip:** holds for every pip tested, {pip_versions.MATRIX[0]}–{pip_versions.PINNED}."
    assert macros.render_pip_line("uv", None) == "", "a recipe that runs no pip says nothing of pips"


@pytest.mark.parametrize(("script", "runs"), [
    ("pip install x", True), ("python -m pip install x", True), ("pip3 install x", True),
    ("set -e\npip3.12 download x", True), ("uv pip install --system x", False),
    ('curl "$PIP_INDEX_URL/simple/pip/"', False), ("python train.py --pip-args x", False),
])
def test_the_matrix_runs_only_scenarios_that_run_pip(script, runs):
    assert bool(pip_table._RUNS_PIP.search(script)) is runs
