"""What stops the harness itself, as against a recipe's mistakes (``preflight.errors``): light to import."""

from __future__ import annotations


class IndexHostError(RuntimeError):
    """A local index host could not start or stopped answering; the message names it."""


class ToolsetError(RuntimeError):
    """A pip or uv of the matrix can't be laid out or can't run here; the message says what to do."""


class BuilderError(RuntimeError):
    """An image can't be built here (no buildah, not root) or buildah itself failed; the message says what to do."""
