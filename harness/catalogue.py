"""The stub distributions each local index serves.

Names and versions come from the page the guide covers. Every package set is
built on its own, so an installed module tells which set it came from
(``BUILT_BY_INDEX``), even when two sets publish the same name. Adding a stub is
one ``Dist`` line in the set that should serve it.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import metadata


@dataclass(frozen=True)
class Dist:
    name: str
    version: str
    requires: tuple[str, ...] = ()
    module: str | None = None  # import name, when it differs from the project name
    source: str | None = None  # a module in harness/stubs/ whose code the stub carries
    scripts: tuple[tuple[str, str], ...] = ()  # console scripts: (name, "module:function")
    requires_python: str | None = None  # the wheel's Requires-Python, e.g. ">=3.13"
    tag: str = "py3-none-any"  # the wheel's compatibility tag: python-abi-platform
    plugins: tuple[tuple[str, str, str], ...] = ()  # other entry points: (group, name, "module[:object]")

    @property
    def import_name(self) -> str:
        return self.module or self.name.replace("-", "_")  # dotted: a package in a namespace (keyrings.gauth)


@dataclass(frozen=True)
class PackageSet:
    """What one publisher builds; scenarios say a package came ``from <package set>``."""

    name: str  # also the marker written into every module it builds
    description: str
    dists: tuple[Dist, ...]

    def versions(self, project: str) -> list[str]:
        return [d.version for d in self.dists if d.name == project]


PYPI = PackageSet(
    "pypi",
    "stands in for pypi.org",
    (
        Dist("numpy", "1.24.4"),
        Dist("numpy", "1.26.4"),
        Dist("scipy", "1.11.4", ("numpy>=1.21.6",)),
        Dist("joblib", "1.3.2"),
        Dist("threadpoolctl", "3.2.0"),
        Dist(
            "scikit-learn",
            "1.3.0",
            ("numpy>=1.17.3", "scipy>=1.5.0", "joblib>=1.1.1", "threadpoolctl>=2.0.0"),
            module="sklearn",
        ),
        Dist(
            "scikit-learn",
            "1.3.2",
            ("numpy>=1.17.3", "scipy>=1.5.0", "joblib>=1.1.1", "threadpoolctl>=2.0.0"),
            module="sklearn",
        ),
        Dist("filelock", "3.12.2"),
        Dist("typing-extensions", "4.7.1"),
        Dist("torch", "2.0.0", ("filelock", "typing-extensions")),
        Dist("torch", "2.1.0", ("filelock", "typing-extensions")),
        Dist("packaging", "23.1"),
        Dist("pyyaml", "6.0.1", module="yaml"),
        Dist("transformers", "4.30.0", ("numpy>=1.17", "packaging>=20.0", "pyyaml>=5.1")),
        Dist("transformers", "4.31.0", ("numpy>=1.17", "packaging>=20.0", "pyyaml>=5.1")),
        Dist("awscli", "1.36.0", source="awscli", scripts=(("aws", "awscli:main"),)),
        Dist("keyring", "25.6.0", source="keyring", scripts=(("keyring", "keyring:main"),)),
        Dist("keyrings.google-artifactregistry-auth", "1.1.2", ("keyring",), module="keyrings.gauth", source="gauth",
             plugins=(("keyring.backends", "Google Auth", "keyrings.gauth"),)),
        # pip looks itself up on the index before each install (its self version check). PyPI's newest pip
        # is the pinned one, so the pinned pip prints no upgrade notice, and an older one prints PyPI's.
        Dist("pip", metadata.version("pip")),
    ),
)

PRIVATE = PackageSet(
    "private",
    "the company's Artifactory local repository",
    (
        Dist("my-private-package", "0.9.0"),
        Dist("my-private-package", "1.0.0"),
        Dist("my-data-utils", "1.2.0"),
        Dist("my-ml-library", "0.4.0", ("numpy>=1.24", "my-data-utils>=1.0")),
        Dist("my-viz-tools", "0.3.1", ("my-data-utils>=1.1",)),
        Dist("my-private-models", "1.2.2"),
        Dist("my-private-models", "1.2.3"),
        Dist("my-private-models", "1.3.0"),
        Dist("my-company-utils", "1.9.0"),
        Dist("my-company-utils", "2.1.0"),
        Dist("package-from-primary", "1.0.0"),
        # Built by a team on Python 3.13: its wheel excludes older Pythons.
        Dist("my-data-pipeline", "2.0.0", requires_python=">=3.13"),
        # Built on a developer's Mac only, with the stable ABI (any CPython from 3.9): no Linux wheel.
        Dist("my-native-ext", "1.0.0", tag="cp39-abi3-macosx_11_0_arm64"),
    ),
)

SECONDARY = PackageSet(
    "secondary",
    "another team's repository, with its own credentials",
    (Dist("package-from-secondary", "1.0.0"),),
)

SQUATTER = PackageSet(
    "squatter",
    "an attacker's uploads to the public index, under private names",
    (
        Dist("my-private-package", "99.0.0"),
        Dist("my-company-utils", "99.0.0"),
    ),
)

PYTORCH = PackageSet(
    "pytorch",
    "PyTorch's index of CPU builds (download.pytorch.org/whl/cpu): torch with the local version +cpu, and copies of "
    "its dependencies",
    (
        Dist("torch", "2.1.0+cpu", ("filelock", "typing-extensions")),
        # Its own, older copies: no two sets may hold the same file (see below).
        Dist("filelock", "3.9.0"),
        Dist("typing-extensions", "4.4.0"),
    ),
)

PACKAGE_SETS = (PYPI, PRIVATE, SECONDARY, SQUATTER, PYTORCH)
# pypiserver serves a file by name, so two merged package sets (the virtual repository merges
# private, pypi and squatter) must never hold the same name and version: tests check this.


def package_set(name: str) -> PackageSet:
    return next(s for s in PACKAGE_SETS if s.name == name)


def all_projects() -> set[str]:
    return {d.name for s in PACKAGE_SETS for d in s.dists}


# Names recipes ask for that no package set publishes, on purpose (a misspelt name): pip prints them where it prints
# any requirement, and ``explain_rules`` must know them as package names.
UNPUBLISHED = ("my-private-modles",)
