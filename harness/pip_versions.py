"""The pips the matrix runs every recipe under, why each, with sources (data only: no wheel is needed to import it).

Images ship the pip their Python release bundles (``ensurepip``), or one their
Dockerfile pins. The matrix takes one pip per behaviour that real images ship,
found by running every scenario under 24 pips from 20.2.4 to 26.3 once; pips
that behaved like a neighbour here were left out. The wheels are fetched by
README's test command into ``.cache/pip-matrix`` (``python -m harness fetch``,
which checks the hashes below); the pinned pip is this environment's own (requirements.txt).

uv has no axis in the matrix: ``OLDER_UV``, the last uv of the minor before the
pinned one (requirements.txt), gives the same outcomes and the same logs in
every scenario that runs uv. ``python -m harness matrix-uv`` checks that again:
it fetches that uv's wheel (the ``uv`` wheel holds the binary) into
``.cache/pip-matrix``, checking its hash, and runs those scenarios under it;
docs/pip-versions.md records what it found.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
WHEELS = ROOT / ".cache" / "pip-matrix"
FETCH = ".venv/bin/python -m harness fetch"
PINNED = metadata.version("pip")


@dataclass(frozen=True)
class MatrixPip:
    version: str
    sha256: str  # of the wheel on PyPI: pip download checks it
    why: str
    sources: tuple[tuple[str, str], ...]  # (what, where)


_DOCKER_LIBRARY = "https://github.com/docker-library/python/blob/{commit}/{path}"
_PIP_NEWS = "https://github.com/pypa/pip/blob/26.3/NEWS.rst"

OLDER = (
    MatrixPip(
        "20.2.4", "51f1c7514530bd5c145d8f13ed936ad6b8bfcb8cf74e10403d0890bc986f0033",
        "TensorFlow's classic images upgrade Ubuntu's pip with pip<20.3, which gives 20.2.4: the last pip whose "
        "default is the legacy resolver (20.3 made the new one the default), and one that asks for a user name "
        "after any 401.",
        (("tensorflow/tensorflow, tensorflow/tools/dockerfiles/partials/ubuntu/python.partial.Dockerfile",
          "https://github.com/tensorflow/tensorflow/blob/98ac4c475f62a07622b4acdefa9aa651fb24118d/"
          "tensorflow/tools/dockerfiles/partials/ubuntu/python.partial.Dockerfile"),),
    ),
    MatrixPip(
        "22.0.4", "c6aca0f2f081363f689f041d90dab2a07a9a07fb840284db2218117a52da800b",
        "Older than 22.2, so without pip install --dry-run. The official python:3.7 to 3.10 images installed it "
        "(PYTHON_PIP_VERSION) in 2022.",
        (("docker-library/python, versions.json",
          _DOCKER_LIBRARY.format(commit="001b3bf744d337e6a887fc89645965a1b74a2a19", path="versions.json")),
         ("pip, NEWS.rst, 22.2: \"Add --dry-run option to pip install\"", _PIP_NEWS)),
    ),
    MatrixPip(
        "23.0.1", "236bcb61156d76c4b8a05821b988c7b8c35bf0da28a4b614e8d6ab5212c25c6f",
        "The pip of python:3.8, 3.9 and 3.10 from their 2023 releases to the end of their lines: CPython bumped "
        "those branches' ensurepip to 23.0.1 and never again. Debian 12's python3-pip is 23.0.1 too.",
        (("docker-library/python, 3.8/bookworm/Dockerfile (PYTHON_PIP_VERSION 23.0.1)",
          _DOCKER_LIBRARY.format(commit="0d539116871a326fd6b3d35b0c528b8fbdffe573", path="3.8/bookworm/Dockerfile")),
         ("python/cpython#102243, [3.9] bundled pip 22.0.4 to 23.0.1", "https://github.com/python/cpython/pull/102243"),
         ("python/cpython#144539, 3.10 still bundles 23.0.1 (closed unmerged, 2026)",
          "https://github.com/python/cpython/pull/144539")),
    ),
    MatrixPip(
        "24.0", "ba0d021a166865d2265246961bec0152ff124de910c5cc39f1156ce3fa7c69dc",
        "The pip of python:3.11 since 3.11.8, which bundles it; 3.11 gets security fixes only since. Also "
        "python:3.12 in 2024. Older than 24.2, which made pip check certificates against the system store.",
        (("python/cpython#114973, [3.11] bundled pip 24.0", "https://github.com/python/cpython/pull/114973"),
         ("docker-library/python, 3.12/alpine3.20/Dockerfile (PYTHON_PIP_VERSION 24.0)",
          _DOCKER_LIBRARY.format(commit="0d5638323cb325f17caa71bbee67db68bd194edc", path="3.12/alpine3.20/Dockerfile"))),
    ),
    MatrixPip(
        "25.2", "6d67a2b4e7f14d8b31b8b52648866fa717f45a1eb70e83002f4331d07e953717",
        "The 25.x pip: ensurepip bundled it from July 2025, before Python 3.14.0. The 24.2 to 26.0 pips behaved "
        "alike here, one stands for them.",
        (("python/cpython#137257, Update bundled pip to 25.2", "https://github.com/python/cpython/issues/137257"),),
    ),
    MatrixPip(
        "26.2.1", "71138adf1f4ca900cdb7d289c21b7494329f2332b6d85f0e1c42108c0384ed3e",
        "CPython's ensurepip took 26.2 in August 2026 and then 26.2.1, so python:3.13 and 3.14 images built since "
        "ship a 26.2. From 26.2, pip retries a 401 with the index URL's credentials under PIP_NO_INPUT too, so "
        "it reports a wrong token there as well.",
        (("python/cpython#155063, Update bundled pip to 26.2", "https://github.com/python/cpython/issues/155063"),
         ("python/cpython, Lib/ensurepip/_bundled/pip-26.2.1-py3-none-any.whl",
          "https://github.com/python/cpython/blob/12d001974558eae06a4c4f92eabca6fe74860fb1/"
          "Lib/ensurepip/_bundled/pip-26.2.1-py3-none-any.whl"),
         ("pypa/pip#14182, credentials extracted on a 401 even with --no-input (in 26.2)",
          "https://github.com/pypa/pip/pull/14182")),
    ),
)
PINNED_WHY = "The pinned pip (requirements.txt): the newest, and the one every log on this site comes from."
MATRIX = (*(p.version for p in OLDER), PINNED)




@dataclass(frozen=True)
class OlderUv:
    version: str
    sha256: tuple[str, ...]  # of its Linux wheels on PyPI (x86_64, aarch64): pip download checks them
    why: str


PINNED_UV = metadata.version("uv")
OLDER_UV = OlderUv(
    "0.12.24",
    ("e47005957dca320272ad68960b591b854b6bf0c3288368efb096d9ccd06b8404",  # manylinux_2_17_x86_64
     "94c9ed22c1b5d6861a72639e23c5707bb07a354b67ec0462e9a0169a9665b5fd"),  # manylinux_2_17_aarch64
    "The last uv of the minor before the pinned 0.13: an image built a few months back has it.",
)


def wheel(version: str) -> Path:
    """The cached wheel of ``version``, or an error naming the command that fetches it."""
    found = sorted(WHEELS.glob(f"pip-{version}-*.whl"))
    if not found:
        raise FileNotFoundError(f"the pip matrix needs pip {version}'s wheel in {WHEELS.relative_to(ROOT)}/, "
                                f"which README's set-up fetches: {FETCH}")
    return found[0]


def parse_range(text: str) -> SpecifierSet | None:
    """A pip version range as scenario files write it (``<22.2``, ``>=22.2,<26.2``), or None if it isn't one."""
    try:
        spec = SpecifierSet(text)
    except InvalidSpecifier:
        return None
    return spec if str(spec) else None


def in_range(version: str, text: str) -> bool:
    spec = parse_range(text)
    return spec is not None and Version(version) in spec


def covered(text: str) -> list[str]:
    """The matrix's pips a range takes in."""
    return [v for v in MATRIX if in_range(v, text)]
