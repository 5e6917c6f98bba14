"""The images the harness stands in for, and the environment each one sets, with its source.

An execution sees exactly what its image's Dockerfile sets (``ENV`` lines, read
from the image's published Dockerfile), what Docker sets in every container,
Valohai's ``VH_*`` variables and the step's own. Whatever else the harness must
add is a listed ``fidelity.Deviation``.
"""

from __future__ import annotations

import platform
from dataclasses import dataclass, field

# Docker: "Docker automatically sets some environment variables when creating a Linux container":
# HOME (from USER: /root), HOSTNAME (the container's), PATH (the image's, or Docker's default).
DOCKER_RUNTIME = ("HOME", "HOSTNAME")
_PYTHON_PATH = "/usr/local/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
_GPG_KEY = "7169605F62C751356D054A26A821E680E5FA6305"  # Thomas Wouters, release manager of 3.12 and 3.13


@dataclass(frozen=True)
class Image:
    """An image a recipe may name, and what its Dockerfile sets."""

    name: str
    environment: dict[str, str]
    source: tuple[str, str]  # (what, where): the Dockerfile the values come from
    has_uv: bool = False
    aliases: tuple[str, ...] = ()
    commands: tuple[tuple[str, str], ...] = ()  # (path in the image, harness/stubs module standing in for it)
    notes: tuple[str, ...] = field(default=())
    built_from: str | None = None  # a recipe's own image (``builds``): the image its Dockerfile's last stage starts from

    @property
    def python_version(self) -> str:
        return self.environment["PYTHON_VERSION"]

    def describe(self, pip_version: str, uv_version: str) -> str:
        tools = f"pip {pip_version}" + (f", uv {uv_version}" if self.has_uv else "")
        return f"Python {platform.python_version()} for its {self.python_version}, {tools}"


def _python(version: str, sha256: str) -> dict[str, str]:
    return {"PATH": _PYTHON_PATH, "LANG": "C.UTF-8", "GPG_KEY": _GPG_KEY,
            "PYTHON_VERSION": version, "PYTHON_SHA256": sha256}


_PY312_TRIXIE = _python("3.12.11", "c30bb24b7f1e9a19b11b55a546434f74e739bb4c271a3e3a80ff4380d49f7adb")
_PY312_SLIM_TRIXIE = _python("3.12.10", "07ab697474595e06f06647417d3c7fa97ded07afc1a7e4454c5639919b46eaea")
_DOCKER_LIBRARY = "https://github.com/docker-library/python/blob/{commit}/{path}"
_GUIDE = "https://github.com/valohai/private-pypi-guide/blob/main/{path}"
GCLOUD_BIN = "/usr/local/google-cloud-sdk/bin"  # where Google's tarball puts gcloud, unpacked in /usr/local

IMAGES = (
    Image(
        "python:3.12", _PY312_TRIXIE,
        ("docker-library/python, 3.12/trixie/Dockerfile",
         _DOCKER_LIBRARY.format(commit="10b9d5cf00c4ebcd4a7d4248d160f367df4d8598", path="3.12/trixie/Dockerfile")),
        aliases=("python:3.12-trixie", "docker.io/library/python:3.12"),
    ),
    Image(
        "python:3.12-slim", _PY312_SLIM_TRIXIE,
        ("docker-library/python, 3.12/slim-trixie/Dockerfile",
         _DOCKER_LIBRARY.format(commit="01ba658cff9cf56c72e55c85cea9705826cc19f1", path="3.12/slim-trixie/Dockerfile")),
        aliases=("python:3.12-slim-trixie",),
    ),
    Image(
        "europe-west1-docker.pkg.dev/acme-ml/images/python-gcloud:3.12",
        {**_PY312_TRIXIE, "PATH": f"{GCLOUD_BIN}:{_PYTHON_PATH}"},
        ("this guide's examples/artifact-registry/Dockerfile (FROM python:3.12, the gcloud CLI in "
         "/usr/local/google-cloud-sdk, ENV PATH)", _GUIDE.format(path="examples/artifact-registry/Dockerfile")),
        commands=((f"{GCLOUD_BIN}/gcloud", "gcloud"),),
    ),
    Image(
        "ghcr.io/astral-sh/uv:python3.12-trixie-slim", {**_PY312_SLIM_TRIXIE, "UV_TOOL_BIN_DIR": "/usr/local/bin"},
        (("astral-sh/uv, .github/workflows/build-docker.yml (FROM python:3.12-slim-trixie, uv and uvx in "
          "/usr/local/bin, ENV UV_TOOL_BIN_DIR)"),
         "https://github.com/astral-sh/uv/blob/72c90e48/.github/workflows/build-docker.yml"),
        has_uv=True,
    ),
)


def image(name: str) -> Image | None:
    """The image ``name`` stands for, or None when the harness can't stand in for it."""
    return next((i for i in IMAGES if name == i.name or name in i.aliases), None)


SUPPORTED = ", ".join(i.name for i in IMAGES)
HOW_TO_ADD = "add it to harness/images.py with the ENV lines of its published Dockerfile"
