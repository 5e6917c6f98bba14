"""The macros pages may call, and what one build has shown so far."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

from harness import recipes

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"

MACROS: dict[str, Callable] = {}


def macro(function: Callable) -> Callable:
    """Make ``function`` callable from every page, under its own name."""
    MACROS[function.__name__] = function
    return function


class Build:
    """One site build: the recipes it loaded, what its pages showed, and the page being rendered."""

    def __init__(self) -> None:
        self.env = None
        self.loaded: dict[str, recipes.Recipe] = {}
        self.shown: dict[str, set[str]] = {"recipes": set(), "logs": set(), "fidelity": set(), "cited": set()}
        self.bodies: dict[str, dict[str, str]] = {}  # page -> log body -> what showed it first

    def start(self, env) -> None:
        self.__init__()
        self.env = env

    def show(self, kind: str, what: str) -> None:
        self.shown[kind].add(what)

    def recipe(self, slug: str) -> recipes.Recipe:
        """Each recipe loaded (and so validated) once per build, however many macros show it."""
        if slug not in self.loaded:
            folder = EXAMPLES / slug
            if not folder.is_dir():
                known = ", ".join(p.name for p in recipes.discover(EXAMPLES))
                raise ValueError(f"no recipe examples/{slug} (recipes: {known})")
            self.loaded[slug] = recipes.load(folder)
        return self.loaded[slug]

    @property
    def page(self) -> str:
        """The page being rendered, as docs/-relative path (``index.md`` outside a build)."""
        page = getattr(self.env, "page", None) if self.env else None
        return page.file.src_uri if page is not None else "index.md"

    def link(self, target: str) -> str:
        """``target`` (a docs/-relative page, with an optional #anchor) as a link from the current page."""
        path, _, anchor = target.partition("#")
        relative = os.path.relpath(path, os.path.dirname(self.page) or ".")
        return relative + (f"#{anchor}" if anchor else "")

    def once_per_page(self, body: str, what: str) -> None:
        """A log shown twice on one page tells the reader nothing new: the build fails instead."""
        seen = self.bodies.setdefault(self.page, {})
        if body in seen:
            raise ValueError(f"{self.page}: {what} shows the same log as {seen[body]}; show it once")
        seen[body] = what

    def write_manifest(self, site_dir: str | Path) -> None:
        manifest = {key: sorted(values) for key, values in self.shown.items()}
        manifest_path(site_dir).write_text(json.dumps(manifest, indent=2))


BUILD = Build()


def manifest_path(site_dir: str | Path) -> Path:
    """Beside the site, not in it: the manifest is for the tests, not for readers."""
    site = Path(site_dir).resolve()
    return site.with_name(site.name + ".manifest.json")
