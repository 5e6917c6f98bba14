"""mkdocs-macros module: every recipe, file and log on the site is rendered from examples/.

Pages call ``recipe``, ``file`` and ``log``; nothing in a page is typed twice.
After each build, ``<site folder>.manifest.json`` beside the site folder (never
published inside it) lists what the pages showed, so the tests can tell that
every recipe appears somewhere.
"""

from __future__ import annotations

import contextlib
import html
import io
import json
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
if str(ROOT) not in sys.path:  # mkdocs-macros loads this file by path; the harness sits beside it
    sys.path.insert(0, str(ROOT))

import preflight.cli
from harness import fidelity, images, pip_table, pip_versions, recipes, topology, vendors
from harness.logs import REWRITES, split_header
from harness.topology import ROLES
from preflight import models
from preflight.rules import RULES

EXAMPLES = ROOT / "examples"
PIP_PAGE = "pip-versions.md"  # the full pip matrix

_LANGUAGE = {".yaml": "yaml", ".yml": "yaml", ".py": "python", ".txt": "text", ".toml": "toml", ".cfg": "ini"}
_LOUD_LINE = re.compile(r"^(ERROR|WARNING|curl: )")

_rendered: dict[str, set[str]] = {"recipes": set(), "logs": set(), "fidelity": set(), "cited": set()}
_loaded: dict[str, recipes.Recipe] = {}  # per build: pages call several macros per recipe, and loading validates it


def load_recipe(slug: str) -> recipes.Recipe:
    if slug not in _loaded:
        folder = EXAMPLES / slug
        if not folder.is_dir():
            known = ", ".join(p.name for p in recipes.discover(EXAMPLES))
            raise ValueError(f"no recipe examples/{slug} (recipes: {known})")
        _loaded[slug] = recipes.load(folder)
    return _loaded[slug]


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


def render_log(slug: str, scenario: str, title: str | None = None, last: int | None = None,
               model: str | None = None) -> str:
    """A committed execution log, its error lines highlighted; ``last`` keeps its tail, ``model`` picks its own log."""
    recipe = load_recipe(slug)
    if scenario not in recipe.scenarios:
        raise ValueError(f"examples/{slug} has no scenario {scenario!r} (scenarios: {', '.join(recipe.scenarios)})")
    if model is not None and model not in recipe.scenarios[scenario].models:
        raise ValueError(f"examples/{slug}::{scenario} has no log of its own under {model!r} "
                         f"(models with their own log: {', '.join(recipe.scenarios[scenario].models) or 'none'})")
    plan = recipe.plan(scenario, models.BY_NAME[model] if model else models.DEFAULT)
    path = plan.log_path
    if not path.is_file():
        raise ValueError(f"{path.relative_to(ROOT)} is missing: python -m harness run examples/{slug} --update-logs")
    how, body = split_header(path.read_text())
    lines = body.rstrip("\n").splitlines()
    if last and len(lines) > last:
        lines = [f"[… {len(lines) - last} earlier lines]", *lines[-last:]]
    loud = " ".join(str(n) for n, line in enumerate(lines, 1) if _LOUD_LINE.match(line))
    label = title or "Execution log: " + scenario.replace("-", " ")
    options = f'title="{label} ({how})"' if how else f'title="{label}"'
    if loud:
        options += f' hl_lines="{loud}"'
    return "\n".join([f"```text {options}", *lines, "```"])


def render_log_tabs(slug: str, labels: dict[str, str]) -> str:
    """Several logs of one recipe as content tabs; keys are scenarios, or ``scenario@model`` for a model's own log."""
    tabs = []
    for key, label in labels.items():
        scenario, _, model = key.partition("@")
        tabs.append(f'=== "{label}"\n\n{_indent(render_log(slug, scenario, model=model or None))}')
    return "\n\n".join(tabs)


def render_models() -> str:
    rows = [f"| `{m.name}` | {m.basis} |" for m in models.MODELS]
    return "\n".join(["| Model | Why it is plausible |", "|---|---|", *rows])


def render_images() -> str:
    blocks = []
    for image in images.IMAGES:
        what, where = image.source
        rows = [f"| `{name}` | `{value}` |" for name, value in image.environment.items()]
        blocks.append("\n".join([f"**`{image.name}`**, from [{what}]({where}):", "", "| Variable | Value |", "|---|---|", *rows]))
    return "\n\n".join(blocks)


def render_deviations() -> str:
    items = []
    for d in fidelity.DEVIATIONS:
        added = f" Adds {', '.join(f'`{v}`' for v in d.variables)}." if d.variables else ""
        where = " (uv's images only)" if d.uv_images_only else " (pip matrix only)" if d.pip_matrix_only else ""
        items.append(f"- **{d.name}**{where}: {d.what} *Why:* {d.why}{added} *In the logs:* {d.shows}")
    return "\n".join(items)


def render_rewrites() -> str:
    return "\n".join(f"- **{r.name}**: {r.what}" for r in REWRITES)


def render_citation(identifier: str, rule: bool = False) -> str:
    """A link to the vendor's page for a documented behaviour; with ``rule``, the rule it states before it."""
    try:
        documented = vendors.entry(identifier)
    except KeyError as exc:
        raise ValueError(exc.args[0]) from None
    link = f"[{documented.vendor}: {as_markdown(documented.title)}]({documented.url})"
    return f"{as_markdown(documented.rule)} ({link})" if rule else link


def as_markdown(text: str) -> str:
    """Plain text shown as written: <, > and & are not HTML, _ and * are not emphasis; `code` stays code."""
    parts = re.split(r"(`[^`]*`)", text)
    return "".join(
        part if part.startswith("`") else re.sub(r"([_*|])", r"\\\1", html.escape(part, quote=False))
        for part in parts
    )


def render_registry() -> str:
    followed = {i: [] for i in vendors.REGISTRY}
    for host in topology.HOSTS:
        for repo in host.repositories:
            for identifier in repo.follows:
                followed[identifier].append(f"{host.shown_as.split('//')[1]}{repo.path or '/'}")
    rows = [
        f"| {d.vendor} | {as_markdown(d.rule)} | [{as_markdown(d.title)}]({d.url}) | "
        f"{'<br>'.join(sorted(set(followed[d.id]))) if d.emulated else 'stated, not emulated'} |"
        for d in vendors.REGISTRY.values()
    ]
    return "\n".join(["| Vendor | What the documentation says | Source | Stand-ins that behave so |",
                      "|---|---|---|---|", *rows])


def render_not_emulated() -> str:
    return "\n".join(f"- {item}" for item in fidelity.NOT_EMULATED)


def render_roles() -> str:
    rows = [f"| `{role.name}` | {role.description} |" for role in ROLES.values()]
    return "\n".join(["| Role | The value a scenario gets |", "|---|---|", *rows])


def render_preflight(folder: str, *args: str) -> str:
    """A sample repository's valohai.yaml and what valohai-preflight prints for it, run as the page is built."""
    path = ROOT / folder
    if not (path / "valohai.yaml").is_file():
        raise ValueError(f"{folder} has no valohai.yaml")
    with contextlib.chdir(path), contextlib.redirect_stdout(io.StringIO()) as out:
        status = preflight.cli.main(list(args))
    command = " ".join(["valohai-preflight", *args])
    output = [f'```text title="$ {command}  (exit status {status})"', *out.getvalue().rstrip("\n").splitlines(), "```"]
    return code_block(path / "valohai.yaml", "valohai.yaml") + "\n\n" + "\n".join(output)


def render_repository_file(relative: str, title: str | None = None) -> str:
    path = ROOT / relative
    if not path.is_file():
        raise ValueError(f"no file {relative}")
    return code_block(path, title or path.name)


def render_rules() -> str:
    rows = [f"| `{rule.name}` | {rule.severity} | {as_markdown(rule.summary)} |" for rule in RULES.values()]
    return "\n".join(["| Rule | Severity | What it finds |", "|---|---|---|", *rows])


def _versions(versions: list[str]) -> str:
    return ", ".join(versions)


def _span(versions: list[str]) -> str:
    """``20.2.4–26.3`` for a run of the matrix's pips, else the list."""
    order = list(pip_versions.MATRIX)
    at = [order.index(v) for v in versions]
    if len(versions) > 1 and at == list(range(at[0], at[0] + len(at))):
        return f"{versions[0]}–{versions[-1]}"
    return _versions(versions)


def pip_table_of(recipe: recipes.Recipe) -> dict | None:
    """The recipe's committed pip table; one that names a scenario the recipe no longer has fails the build."""
    table = pip_table.load_table(recipe)
    gone = sorted(set((table or {}).get("scenarios", {})) - set(recipe.scenarios))
    if gone:
        raise ValueError(f"examples/{recipe.slug}/logs/{pip_table.TABLE} has scenarios the recipe no longer has "
                         f"({', '.join(gone)}): {pip_table.REFRESH.format(slug=recipe.slug)}")
    return table


_LOG_ONLY = {"log", "not-in-log"}  # a pips: range that changes only these: the same result, another log


def _log_only(override) -> bool:
    return set(override.model_dump(by_alias=True, exclude_unset=True, exclude={"because"})) <= _LOG_ONLY


def render_pip_line(slug: str, link: str | None) -> str:
    """Which pips the recipe works for, from its committed table; a small table where some pips differ.

    A pip under which a scenario's declared range changes only the lines its log must (not) show counts as
    working: the outcome, what got installed and what the indexes answered are the newest pip's.
    """
    recipe = load_recipe(slug)
    table = pip_table_of(recipe)
    more = f" ([every scenario under every pip]({link}#{slug}))" if link else ""
    if table is None or not table.get("scenarios"):
        if not pip_table.matrix_plans(recipe):
            return ""
        return f"**Which pip:** not run under the pip matrix yet (`{pip_table.REFRESH.format(slug=slug)}`)."
    versions, cells = table["pips"], table["scenarios"]
    holding = [v for v in versions if all(row.get(v, {}).get("holds") for row in cells.values())]
    if holding == versions:
        return f"**Which pip:** holds for every pip tested, {_span(versions)}{more}."

    def works(name: str, cell: dict) -> bool:
        return cell.get("holds") or (cell.get("declared") is not None
                                     and _log_only(recipe.scenarios[name].pips[cell["declared"]]))

    working = [v for v in versions if all(works(name, row.get(v, {})) for name, row in cells.items())]
    rows = []
    for name, row in cells.items():
        scenario = recipe.scenarios[name]
        for key, override in scenario.pips.items():
            differing = [v for v in versions if row.get(v, {}).get("declared") == key and not row[v]["holds"]]
            if differing:
                what = ("Only the log differs. " if _log_only(override) else "") + as_markdown(override.because)
                rows.append(f"| {_versions(differing)} (`{key}`) | {name} | {what} |")
    if working == versions:
        head = (f"**Which pip:** works the same for every pip tested, {_span(versions)}; under pip "
                f"{_span([v for v in versions if v not in holding])} the log reads differently{more}:")
    elif working:
        head = (f"**Which pip:** works for pip {_span(working)}"
                + (f" (the log reads differently under pip {_span([v for v in working if v not in holding])})"
                   if working != holding else "")
                + f"; under the other pips tested{more}:")
    else:
        head = f"**Which pip:** works as written for none of the pips tested{more}:"
    return "\n".join([head, "", "| pip | Scenario | What differs |", "|---|---|---|", *rows])


def render_pip_tables() -> str:
    """Every recipe's table: one row per scenario, one column per pip, and how each log differs."""
    sections = []
    for folder in recipes.discover(EXAMPLES):
        recipe = load_recipe(folder.name)
        table = pip_table_of(recipe)
        if not pip_table.matrix_plans(recipe):
            continue
        lines = [f"## {recipe.slug}", ""]
        if table is None:
            lines.append(f"Not run under the pip matrix yet: `{pip_table.REFRESH.format(slug=recipe.slug)}`.")
            sections.append("\n".join(lines))
            continue
        versions = table["pips"]
        lines += ["| Scenario | " + " | ".join(f"pip {v}" for v in versions) + " |",
                  "|---|" + "---|" * len(versions)]
        details = []
        for name, row in table["scenarios"].items():
            texts = []
            for v in versions:
                cell = row.get(v)
                if cell is None:
                    texts.append("not run")
                    continue
                word = "holds" if cell["holds"] else "**differs**"
                texts.append(f"{word}, {cell['outcome']}" + (f", log ±{len(cell['log'])}" if cell["log"] else ""))
            lines.append(f"| {name} | " + " | ".join(texts) + " |")
            by_log: dict[tuple[str, ...], list[str]] = {}
            for v in versions:
                if row.get(v, {}).get("log"):
                    by_log.setdefault(tuple(row[v]["log"]), []).append(v)
            for log, under in by_log.items():
                block = "\n".join(["```diff", *log, "```"])
                details.append(f'??? note "{name}: the log under pip {_versions(under)}"\n\n{_indent(block)}')
        becauses = [f"- **{name}**, pips `{key}`: {as_markdown(override.because)}"
                    for name in table["scenarios"] for key, override in recipe.scenarios[name].pips.items()]
        sections.append("\n\n".join(["\n".join(lines), *(["\n".join(becauses)] if becauses else []), *details]))
    return "\n\n".join(sections)


def render_pip_versions() -> str:
    rows = [f"| {p.version} | {p.why} | " + "; ".join(f"[{what}]({where})" for what, where in p.sources) + " |"
            for p in pip_versions.OLDER]
    rows.append(f"| {pip_versions.PINNED} | {pip_versions.PINNED_WHY} | |")
    return "\n".join(["| pip | Why it is in the matrix | Sources |", "|---|---|---|", *rows])


def _indent(text: str) -> str:
    return "\n".join(f"    {line}" if line else "" for line in text.splitlines())


def define_env(env):
    for shown in _rendered.values():
        shown.clear()
    _loaded.clear()  # mkdocs serve calls this before each rebuild: a changed recipe is read again

    @env.macro
    def recipe(slug: str, annotations: dict[str, str] | None = None) -> str:
        """Show a recipe: its valohai.yaml and companion files, and which pips it holds for."""
        _rendered["recipes"].add(slug)
        link = None
        if (Path(env.conf["docs_dir"]) / PIP_PAGE).is_file():
            link = os.path.relpath(PIP_PAGE, os.path.dirname(env.page.file.src_uri) or ".")
        line = render_pip_line(slug, link)
        return render_recipe(slug, annotations) + (f"\n\n{line}" if line else "")

    @env.macro
    def pip_matrix_tables() -> str:
        return render_pip_tables()

    @env.macro
    def pip_matrix_versions() -> str:
        return render_pip_versions()

    @env.macro
    def file(slug: str, name: str) -> str:
        """Show one file of a recipe."""
        _rendered["recipes"].add(slug)
        return render_file(slug, name)

    @env.macro
    def log(slug: str, scenario: str, title: str | None = None, last: int | None = None, model: str | None = None) -> str:
        """Show what a scenario's execution printed."""
        _rendered["logs"].add(f"{slug}::{scenario}" + (f"@{model}" if model else ""))
        return render_log(slug, scenario, title, last, model)

    @env.macro
    def log_tabs(slug: str, labels: dict[str, str]) -> str:
        """Show several scenarios' logs side by side, as tabs."""
        _rendered["logs"].update(f"{slug}::{key}" for key in labels)
        return render_log_tabs(slug, labels)

    @env.macro
    def execution_models() -> str:
        _rendered["fidelity"].add("models")
        return render_models()

    @env.macro
    def image_environments() -> str:
        _rendered["fidelity"].add("images")
        return render_images()

    @env.macro
    def deviations() -> str:
        _rendered["fidelity"].add("deviations")
        return render_deviations()

    @env.macro
    def log_rewrites() -> str:
        _rendered["fidelity"].add("rewrites")
        return render_rewrites()

    @env.macro
    def cite(identifier: str, rule: bool = False) -> str:
        """Cite what a vendor documents (harness/vendors.py); an unknown id fails the build."""
        _rendered["cited"].add(identifier)
        return render_citation(identifier, rule)

    @env.macro
    def vendor_registry() -> str:
        _rendered["fidelity"].add("registry")
        return render_registry()

    @env.macro
    def not_emulated() -> str:
        _rendered["fidelity"].add("not-emulated")
        return render_not_emulated()

    @env.macro
    def roles_table() -> str:
        return render_roles()

    @env.macro
    def preflight_run(folder: str, *args: str) -> str:
        """Show a sample valohai.yaml and the preflight's real output for it."""
        return render_preflight(folder, *args)

    @env.macro
    def repository_file(relative: str, title: str | None = None) -> str:
        """Show a file of this repository that is not a recipe's (a configuration users copy)."""
        return render_repository_file(relative, title)

    @env.macro
    def preflight_rules() -> str:
        return render_rules()


def manifest_path(site_dir: str | Path) -> Path:
    """Beside the site, not in it: the manifest is for the tests, not for readers."""
    site = Path(site_dir).resolve()
    return site.with_name(site.name + ".manifest.json")


def on_post_build(env):
    manifest = {key: sorted(values) for key, values in _rendered.items()}
    manifest_path(env.conf["site_dir"]).write_text(json.dumps(manifest, indent=2))
