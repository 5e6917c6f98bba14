"""mkdocs-macros module: every recipe, file and log on the site is rendered from examples/.

Pages call the macros the submodules register with ``@macro``; nothing in a page
is typed twice. After each build, ``<site folder>.manifest.json`` beside the site
folder (never inside it) lists what the pages showed, so the tests can tell that
every recipe and log appears somewhere.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # mkdocs-macros imports this package by path; the harness sits beside it
    sys.path.insert(0, str(ROOT))

from docs_macros import about, citations, explain, logs, pips, preflight, recipes  # noqa: F401  (they register)
from docs_macros.registry import BUILD, MACROS, manifest_path

__all__ = ["define_env", "manifest_path", "on_post_build"]


def define_env(env) -> None:
    BUILD.start(env)  # mkdocs serve calls this before each rebuild: changed recipes are read again
    for name, function in MACROS.items():
        env.macro(function, name)


def on_post_build(env) -> None:
    BUILD.write_manifest(env.conf["site_dir"])
