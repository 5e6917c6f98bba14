"""Recipes on the pages: valohai.yaml (whole, or one step beside the text that explains it) and its files."""

from __future__ import annotations

from docs_macros import pips
from docs_macros.markdown import code_block, file_block, indent
from docs_macros.registry import BUILD, ROOT, macro


@macro
def recipe(slug: str, annotations: dict[str, str] | None = None, step: str | None = None) -> str:
    """A recipe's valohai.yaml, its other files as tabs beside it, and the pips it was tested with.

    With ``step``, only that step of valohai.yaml: a long file is shown a step at a time, each
    beside the text about it, and the reader copies the one they need.
    """
    BUILD.show("recipes", slug)
    shown = render_step(slug, step, annotations) if step else render_recipe(slug, annotations)
    line = pips.tested_with(slug, step)
    return shown + (f"\n\n{line}" if line else "")


@macro
def file(slug: str, name: str) -> str:
    """One file of a recipe."""
    BUILD.show("recipes", slug)
    return render_file(slug, name)


@macro
def repository_file(relative: str, title: str | None = None) -> str:
    """A file of this repository that is not a recipe's (a configuration readers copy)."""
    path = ROOT / relative
    if not path.is_file():
        raise ValueError(f"no file {relative}")
    return file_block(path, title or path.name)


def render_recipe(slug: str, annotations: dict[str, str] | None = None) -> str:
    recipe = BUILD.recipe(slug)
    files = sorted(recipe.files(), key=lambda p: (p.name != "valohai.yaml", str(p)))
    blocks = []
    for path in files:
        name = path.relative_to(recipe.folder).as_posix()
        notes = annotations if path.name == "valohai.yaml" else None
        blocks.append((name, file_block(path, f"examples/{slug}/{name}", notes, f"examples/{slug}/{name}")))
    if len(blocks) == 1:
        return blocks[0][1]
    return "\n\n".join(f'=== "{label}"\n\n{indent(block)}' for label, block in blocks)


def render_step(slug: str, step: str, annotations: dict[str, str] | None = None) -> str:
    """The lines of valohai.yaml that hold ``step``: its ``- step:`` item, up to the next item."""
    recipe = BUILD.recipe(slug)
    vh = recipe.valohai
    names = vh.places.names("step")
    if step not in names:
        raise ValueError(f"examples/{slug}/valohai.yaml has no step {step!r} (steps: {', '.join(names)})")
    lines = vh.path.read_text().rstrip("\n").splitlines()
    items = sorted(vh.line(index) for index in vh.places.items_where(lambda item: True))
    first = vh.line(vh.step_keys(step)[0])
    later = [start for start in items if start > first]
    chosen = lines[first - 1:(later[0] - 1 if later else len(lines))]
    while chosen and not chosen[-1].strip():
        chosen.pop()
    where = f"examples/{slug}/valohai.yaml"
    return code_block(chosen, f"{where}, step {step}", "yaml", annotations, where)


def render_file(slug: str, name: str) -> str:
    recipe = BUILD.recipe(slug)
    path = recipe.folder / name
    if not path.is_file():
        raise ValueError(f"examples/{slug} has no file {name}")
    return file_block(path, f"examples/{slug}/{name}")
