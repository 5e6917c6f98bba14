"""Build the catalogue's stubs as real wheels, byte for byte reproducible.

Stored (not deflated) members with a fixed timestamp make the same stub hash the
same on every machine, so a recipe can pin it with ``--require-hashes``.
"""

from __future__ import annotations

import base64
import hashlib
import zipfile
from pathlib import Path

from harness.catalogue import Dist, PackageSet

_EPOCH = (1980, 1, 1, 0, 0, 0)
STUBS = Path(__file__).parent / "stubs"


def wheel_filename(dist: Dist) -> str:
    return f"{_normalized(dist.name)}-{dist.version}-{dist.tag}.whl"


def build_wheel(dist: Dist, built_by: str, dest: Path) -> Path:
    """Write ``dist`` as a wheel whose module records the package set that built it."""
    dist_info = f"{_normalized(dist.name)}-{dist.version}.dist-info"
    members = {
        f"{dist.import_name.replace('.', '/')}/__init__.py": _module_source(dist, built_by),
        f"{dist_info}/METADATA": _metadata(dist, built_by),
        f"{dist_info}/WHEEL": "Wheel-Version: 1.0\nGenerator: harness.wheels\n"
        f"Root-Is-Purelib: {'true' if dist.tag.endswith('-none-any') else 'false'}\nTag: {dist.tag}\n",
    }
    groups = [("console_scripts", name, target) for name, target in dist.scripts] + list(dist.plugins)
    if groups:
        members[f"{dist_info}/entry_points.txt"] = "\n".join(
            f"[{group}]\n" + "".join(f"{name} = {target}\n" for g, name, target in groups if g == group)
            for group in dict.fromkeys(g for g, _, _ in groups)
        )
    record = [f"{path},{_record_hash(text)},{len(text.encode())}" for path, text in members.items()]
    members[f"{dist_info}/RECORD"] = "\n".join([*record, f"{dist_info}/RECORD,,"]) + "\n"

    path = dest / wheel_filename(dist)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as wheel:
        for name, text in members.items():
            info = zipfile.ZipInfo(name, _EPOCH)
            info.external_attr = 0o644 << 16
            wheel.writestr(info, text)
    return path


def build_package_set(package_set: PackageSet, dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for dist in package_set.dists:
        build_wheel(dist, package_set.name, dest)
    return dest


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _normalized(name: str) -> str:
    return name.replace("-", "_").lower()


def _module_source(dist: Dist, built_by: str) -> str:
    marker = (
        f'"""Stub of {dist.name} {dist.version}, built by the {built_by} index of the test harness."""\n'
        f'__version__ = "{dist.version}"\n'
        f'BUILT_BY_INDEX = "{built_by}"\n'
    )
    if dist.source:
        marker += "\n" + (STUBS / f"{dist.source}.py").read_text()
    return marker


def _metadata(dist: Dist, built_by: str) -> str:
    lines = [
        "Metadata-Version: 2.1",
        f"Name: {dist.name}",
        f"Version: {dist.version}",
        f"Summary: Stub of {dist.name} built by the {built_by} index",
        *(f"Requires-Dist: {req}" for req in dist.requires),
        *([f"Requires-Python: {dist.requires_python}"] if dist.requires_python else []),
    ]
    return "\n".join(lines) + "\n"


def _record_hash(text: str) -> str:
    digest = hashlib.sha256(text.encode()).digest()
    return "sha256=" + base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
