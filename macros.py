"""mkdocs-macros module: every recipe, file and log on the site is rendered from examples/.

Pages call ``recipe``, ``file`` and ``log``; nothing in a page is typed twice.
After each build, ``rendered-recipes.json`` in the site folder lists what the
pages showed, so the tests can tell that every recipe appears somewhere.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
if str(ROOT) not in sys.path:  # mkdocs-macros loads this file by path; the harness sits beside it
    sys.path.insert(0, str(ROOT))

from harness import recipes  # noqa: E402
from harness.roles import ROLES  # noqa: E402

EXAMPLES = ROOT / "examples"
MANIFEST = "rendered-recipes.json"

_LANGUAGE = {".yaml": "yaml", ".yml": "yaml", ".py": "python", ".txt": "text", ".toml": "toml", ".cfg": "ini"}
_LOUD_LINE = re.compile(r"^(ERROR|WARNING|curl: )")

_rendered: dict[str, set[str]] = {"recipes": set(), "logs": set()}


def load_recipe(slug: str) -> recipes.Recipe:
    folder = EXAMPLES / slug
    if not folder.is_dir():
        known = ", ".join(p.name for p in recipes.discover(EXAMPLES))
        raise ValueError(f"no recipe examples/{slug} (recipes: {known})")
    return recipes.load(folder)


def code_block(path: Path, title: str, annotations: dict[str, str] | None = None) -> str:
    """A fenced block of ``path`` titled ``title``, with material code annotations if given."""
    lines = path.read_text().rstrip("\n").splitlines()
    notes = []
    for needle, note in (annotations or {}).items():
        at = next((i for i, line in enumerate(lines) if needle in line), None)
        if at is None:
            raise ValueError(f"annotation target {needle!r} is not in {path.relative_to(ROOT)}")
        notes.append(note)
        lines[at] += f"  # ({len(notes)})!"
    language = _LANGUAGE.get(path.suffix, "text")
    block = [f'```{language} title="{title}"', *lines, "```"]
    if notes:
        block += ["", *(f"{n}.  {note}" for n, note in enumerate(notes, 1))]
    return "\n".join(block)


def render_recipe(slug: str, annotations: dict[str, str] | None = None) -> str:
    """valohai.yaml, and the files its commands use as content tabs beside it."""
    recipe = load_recipe(slug)
    files = [p for p in recipe.files()]
    files.sort(key=lambda p: (p.name != "valohai.yaml", str(p)))
    blocks = [
        (p.relative_to(recipe.folder).as_posix(),
         code_block(p, f"examples/{slug}/{p.relative_to(recipe.folder).as_posix()}",
                    annotations if p.name == "valohai.yaml" else None))
        for p in files
    ]
    if len(blocks) == 1:
        return blocks[0][1]
    return "\n\n".join(f'=== "{label}"\n\n{_indent(block)}' for label, block in blocks)


def render_file(slug: str, name: str) -> str:
    recipe = load_recipe(slug)
    path = recipe.folder / name
    if not path.is_file():
        raise ValueError(f"examples/{slug} has no file {name}")
    return code_block(path, f"examples/{slug}/{name}")


def render_log(slug: str, scenario: str, title: str | None = None, last: int | None = None) -> str:
    """The committed execution log of one scenario, its error lines highlighted; ``last`` keeps its tail."""
    recipe = load_recipe(slug)
    if scenario not in recipe.scenarios:
        raise ValueError(f"examples/{slug} has no scenario {scenario!r} (scenarios: {', '.join(recipe.scenarios)})")
    path = recipe.log_path(scenario)
    if not path.is_file():
        raise ValueError(f"{path.relative_to(ROOT)} is missing: python -m harness run examples/{slug} --update-logs")
    lines = path.read_text().rstrip("\n").splitlines()
    if last and len(lines) > last:
        lines = [f"[… {len(lines) - last} earlier lines]", *lines[-last:]]
    loud = " ".join(str(n) for n, line in enumerate(lines, 1) if _LOUD_LINE.match(line))
    options = f'title="{title or "Execution log: " + scenario.replace("-", " ")}"'
    if loud:
        options += f' hl_lines="{loud}"'
    return "\n".join([f"```text {options}", *lines, "```"])


def render_log_tabs(slug: str, labels: dict[str, str]) -> str:
    """Several logs of one recipe as content tabs, labelled by ``labels`` (scenario -> label)."""
    return "\n\n".join(
        f'=== "{label}"\n\n{_indent(render_log(slug, scenario))}' for scenario, label in labels.items()
    )


def render_roles() -> str:
    rows = [f"| `{role.name}` | {role.description} |" for role in ROLES.values()]
    return "\n".join(["| Role | The value a scenario gets |", "|---|---|", *rows])


def _indent(text: str) -> str:
    return "\n".join(f"    {line}" if line else "" for line in text.splitlines())


def define_env(env):
    _rendered["recipes"].clear()
    _rendered["logs"].clear()

    @env.macro
    def recipe(slug: str, annotations: dict[str, str] | None = None) -> str:
        """Show a recipe: its valohai.yaml and companion files."""
        _rendered["recipes"].add(slug)
        return render_recipe(slug, annotations)

    @env.macro
    def file(slug: str, name: str) -> str:
        """Show one file of a recipe."""
        _rendered["recipes"].add(slug)
        return render_file(slug, name)

    @env.macro
    def log(slug: str, scenario: str, title: str | None = None, last: int | None = None) -> str:
        """Show what a scenario's execution printed."""
        _rendered["logs"].add(f"{slug}::{scenario}")
        return render_log(slug, scenario, title, last)

    @env.macro
    def log_tabs(slug: str, labels: dict[str, str]) -> str:
        """Show several scenarios' logs side by side, as tabs."""
        _rendered["logs"].update(f"{slug}::{scenario}" for scenario in labels)
        return render_log_tabs(slug, labels)

    @env.macro
    def roles_table() -> str:
        return render_roles()


def on_post_build(env):
    manifest = {key: sorted(values) for key, values in _rendered.items()}
    (Path(env.conf["site_dir"]) / MANIFEST).write_text(json.dumps(manifest, indent=2))
