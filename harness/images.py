"""The images the harness can stand in for, and what each provides.

``python:3.x`` runs on the local interpreter with the pinned pip. uv's Python
images (``ghcr.io/astral-sh/uv:python3.x-...``) get the same, plus the uv of
the test environment on PATH, pointed at that interpreter.
"""

from __future__ import annotations

import platform
import re
from dataclasses import dataclass

_PYTHON = re.compile(r"^(docker\.io/)?(library/)?python:3(\.\d+)*([-.][\w.-]+)?$")
_UV = re.compile(r"^ghcr\.io/astral-sh/uv:python3(\.\d+)*([-.][\w.-]+)?$")


@dataclass(frozen=True)
class Emulation:
    image: str
    has_uv: bool

    def describe(self, pip_version: str, uv_version: str) -> str:
        tools = f"pip {pip_version}" + (f", uv {uv_version}" if self.has_uv else "")
        return f"local Python {platform.python_version()}, {tools}"


def emulation_of(image: str) -> Emulation | None:
    """How the harness stands in for ``image``, or None when it can't."""
    if _PYTHON.match(image):
        return Emulation(image, has_uv=False)
    if _UV.match(image):
        return Emulation(image, has_uv=True)
    return None


SUPPORTED = "python:3.x images and uv's ghcr.io/astral-sh/uv:python3.x-* images"
