"""Execution logs on the pages: the lines that tell what happened, the whole log one click away.

A reader page shows a log's telling lines: what pip looked at, what it installed or
why it failed, what the program printed. Download chatter and traceback frames fold
into ``[… N lines]``, and the full log, with how it was produced, is on the About
page ``about/logs.md``. A log is titled by what happened and the pip (or uv) that
printed it; the execution model and interpreter stay on the About pages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from docs_macros.markdown import fence, indent
from docs_macros.registry import BUILD, EXAMPLES, macro
from harness import recipes
from harness.logs import NOISE, is_telling, split_build, split_header
from preflight import models

FULL_LOGS = "about/logs.md"

# pip's and uv's progress: which files they fetched and unpacked. The result lines stay.
_CHATTER = re.compile(
    r"^(Collecting |\s+Downloading |Downloading |\s*Using cached |Requirement already satisfied|"
    r"Installing collected packages|Using Python \S+ environment|Resolved \d|Prepared \d|Installed \d|"
    r"Audited \d|Downloaded \d|Creating virtual environment at|Obtaining |\s+Preparing |\s+Building |"
    r"\s+Created wheel|\s+Stored in|"
    r"Successfully built |\s*$)"
)


@dataclass(frozen=True)
class ShownLog:
    title: str
    lines: list[str]
    loud: list[int]  # 1-based lines of ``lines`` to highlight
    folded: bool  # some lines are only in the full log
    anchor: str  # on the full-log page


def shown_log(slug: str, scenario: str, model: str | None = None, title: str | None = None,
              part: str | None = None) -> ShownLog:
    """A scenario's log; where it built an image, ``part`` is the build's log (``build``) or the execution's."""
    recipe = BUILD.recipe(slug)
    plan = _plan(recipe, slug, scenario, model)
    if not plan.log_path.is_file():
        raise ValueError(f"{plan.log_path.relative_to(EXAMPLES.parent)} is missing: {recipe.refresh_command}")
    header, body = split_header(plan.log_path.read_text())
    built, executed = split_build(body)
    if (built is None) != (part is None) or part not in (None, "build", "execution"):
        raise ValueError(f"log({slug!r}, {scenario!r}): part='build' or part='execution' goes with a scenario that "
                         "builds an image, and only with one")
    body = built if part == "build" else executed if part == "execution" else body
    lines, folded = fold_chatter(body.rstrip("\n").splitlines())
    expected = [part for entry in (*plan.expect.log, *plan.expect.log_contains)
                for part in entry.splitlines() if part.strip()]
    if part == "build" and plan.expect.image:
        expected += plan.expect.image.history
    loud = [n for n, line in enumerate(lines, 1) if is_telling(line) or any(part in line for part in expected)]
    label = title or ("Build log: " if part == "build" else "Execution log: ") + scenario.replace("-", " ")
    tool = _tool(header, "pip install" if part == "build" else plan.script)
    return ShownLog(f"{label} · {tool}" if tool else label, lines, loud, folded, anchor(slug, scenario, model))


def fold_chatter(lines: list[str]) -> tuple[list[str], bool]:
    """``lines`` with chatter, noise and traceback frames folded into ``[… N lines]`` markers.

    A run of one chatter line stays (a marker would be as long); a noise line is always folded.
    """
    kept: list[str] = []
    pending: list[str] = []
    folded = False
    in_traceback = False

    def flush() -> None:
        nonlocal folded
        if len(pending) == 1 and not NOISE.match(pending[0]):
            kept.append(pending[0])
        elif pending:
            kept.append(f"[… {len(pending)} line{'s' if len(pending) > 1 else ''}]")
            folded = True
        pending.clear()

    for line in lines:
        if line.startswith("Traceback (most recent call last):"):
            flush()
            kept.append(line)
            in_traceback = True
        elif in_traceback and (line.startswith(" ") or not line.strip()):
            pending.append(line)
        elif _CHATTER.match(line) or NOISE.match(line):
            in_traceback = False
            pending.append(line)
        else:
            in_traceback = False
            flush()
            kept.append(line)
    flush()
    return kept, folded


@macro
def log(slug: str, scenario: str, title: str | None = None, model: str | None = None, part: str | None = None) -> str:
    """What a scenario's execution printed, its telling lines highlighted; where the scenario built an image first,
    ``part="build"`` shows the build's log and what the image holds, ``part="execution"`` the execution's."""
    BUILD.show("logs", f"{slug}::{scenario}" + (f"@{model}" if model else ""))
    shown = shown_log(slug, scenario, model, title, part)
    BUILD.once_per_page("\n".join(shown.lines), f"log({slug!r}, {scenario!r})")
    return render(shown)


@macro
def log_tabs(slug: str, labels: dict[str, str]) -> str:
    """Logs that differ, side by side as tabs; keys are scenarios, or ``scenario@model`` for a model's own log."""
    tabs, seen = [], {}
    for key, label in labels.items():
        scenario, _, model = key.partition("@")
        BUILD.show("logs", f"{slug}::{key}")
        shown = shown_log(slug, scenario, model or None, f"Execution log: {label}")
        body = "\n".join(shown.lines)
        if body in seen:
            raise ValueError(f"log_tabs({slug!r}): tabs {seen[body]!r} and {label!r} show the same lines; "
                             "show one log and say what it stands for")
        seen[body] = label
        BUILD.once_per_page(body, f"log_tabs({slug!r}) tab {label!r}")
        tabs.append(f'=== "{label}"\n\n{indent(render(shown))}')
    return "\n\n".join(tabs)


def render(shown: ShownLog) -> str:
    options = {"title": shown.title, "hl_lines": " ".join(map(str, shown.loud))}
    block = fence("text", shown.lines, **options)
    if shown.folded:
        block += f"\n\n[Full log]({BUILD.link(FULL_LOGS + '#' + shown.anchor)}){{ .full-log }}"
    return block


@macro
def full_logs() -> str:
    """Every committed log, whole, with the model, pip and Python that produced it (the About page)."""
    sections = []
    for folder in recipes.discover(EXAMPLES):
        recipe = BUILD.recipe(folder.name)
        parts = [f"## {recipe.slug}"]
        for name, scenario in recipe.scenarios.items():
            for model in (None, *scenario.models):
                plan = _plan(recipe, recipe.slug, name, model)
                if not plan.log_path.is_file():
                    continue
                header, body = split_header(plan.log_path.read_text())
                heading = name + (f", under {model}" if model else "")
                parts += [f"### {heading} {{ #{anchor(recipe.slug, name, model)} }}", "",
                          f"{scenario.description} Ran as: {header}.", "",
                          fence("text", body.rstrip("\n").splitlines() or [""])]
        sections.append("\n\n".join(parts))
    return "\n\n".join(sections)


def anchor(slug: str, scenario: str, model: str | None = None) -> str:
    return "--".join([slug, scenario, *([model.replace("+", "-")] if model else [])])


def _plan(recipe: recipes.Recipe, slug: str, scenario: str, model: str | None):
    if scenario not in recipe.scenarios:
        raise ValueError(f"examples/{slug} has no scenario {scenario!r} (scenarios: {', '.join(recipe.scenarios)})")
    if model is not None and model not in recipe.scenarios[scenario].models:
        own = ", ".join(recipe.scenarios[scenario].models) or "none"
        raise ValueError(f"examples/{slug}::{scenario} has no log of its own under {model!r} "
                         f"(models with their own log: {own})")
    return recipe.plan(scenario, models.BY_NAME[model] if model else models.DEFAULT)


def _tool(header: str, script: str) -> str:
    """``uv 0.13.9`` for a step that runs uv, ``pip 26.3`` for one that runs pip, nothing for curl."""
    versions = dict(part.split(" ", 1) for part in (header.split(" · ")[1:2] or [""])[0].split(", ") if " " in part)
    for tool in ("uv", "pip"):
        if tool in versions and re.search(rf"(^|[\s;&|(]){tool}\s", script):
            return f"{tool} {versions[tool]}"
    return ""
