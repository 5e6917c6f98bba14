"""``python -m harness fetch-pips``: the matrix's pip wheels from the package index, once, checked by hash.

README's set-up runs it. Each wheel is fetched by this environment's pip (so
a mirror configured for pip serves it too), one version at a time: pip's
resolver refuses two versions of one project in one request. A wheel already
in the cache with the right hash is not fetched again, so the command also
succeeds offline once it has run.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tempfile
from pathlib import Path

from harness.pip_versions import OLDER, WHEELS, MatrixPip


def cached(pip: MatrixPip) -> Path | None:
    for wheel in WHEELS.glob(f"pip-{pip.version}-*.whl"):
        if hashlib.sha256(wheel.read_bytes()).hexdigest() == pip.sha256:
            return wheel
    return None


def fetch(pip: MatrixPip) -> None:
    with tempfile.TemporaryDirectory() as folder:
        requirement = Path(folder) / "requirement.txt"
        requirement.write_text(f"pip=={pip.version} --hash=sha256:{pip.sha256}\n")
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary", ":all:",
                        "--dest", str(WHEELS), "--requirement", str(requirement)], check=True)


def main() -> int:
    WHEELS.mkdir(parents=True, exist_ok=True)
    for pip in OLDER:
        if cached(pip) is None:
            try:
                fetch(pip)
            except subprocess.CalledProcessError:
                print(f"fetch-pips: pip {pip.version} could not be downloaded (see pip's message above)", file=sys.stderr)
                return 1
    print(f"fetch-pips: {len(OLDER)} pip wheels in {WHEELS}: " + ", ".join(p.version for p in OLDER))
    return 0
