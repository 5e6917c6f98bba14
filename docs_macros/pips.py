"""Which pips each recipe was tested with: a line under the recipe in reader words, the full tables on About."""

from __future__ import annotations

from docs_macros.markdown import as_markdown, indent
from docs_macros.registry import BUILD, EXAMPLES, macro
from harness import pip_versions, recipes, tables

_LOG_ONLY = {"log", "not-in-log"}  # a pips: range that changes only these: the same result, another log


def table_of(recipe: recipes.Recipe) -> dict | None:
    """The recipe's committed pip table; one that names a scenario the recipe no longer has fails the build."""
    table = tables.load_table(recipe)
    gone = sorted(set((table or {}).get("scenarios", {})) - set(recipe.scenarios))
    if gone:
        raise ValueError(f"examples/{recipe.slug}/logs/{tables.TABLE} has scenarios the recipe no longer has "
                         f"({', '.join(gone)}): {tables.REFRESH.format(slug=recipe.slug)}")
    return table


def log_only(override) -> bool:
    return set(override.model_dump(by_alias=True, exclude_unset=True, exclude={"because"})) <= _LOG_ONLY


def span(versions: list[str]) -> str:
    """``20.2.4 to 26.3`` for a run of the tested pips, else the list."""
    order = list(pip_versions.MATRIX)
    at = [order.index(v) for v in versions]
    if len(versions) > 2 and at == list(range(at[0], at[0] + len(at))):
        return f"{versions[0]} to {versions[-1]}"
    return ", ".join(versions[:-1]) + (" and " if len(versions) > 1 else "") + versions[-1]


def tested_with(slug: str, step: str | None = None) -> str:
    """"Tested with pip 20.2.4 to 26.3", and what the older pips do differently, in the recipe's own words; with
    ``step``, for the scenarios that run that step only (the page shows that step alone)."""
    recipe = BUILD.recipe(slug)
    table = table_of(recipe)
    plans = [p for p in tables.matrix_plans(recipe) if step is None or p.step.name == step]
    if not plans or not table or not table.get("scenarios"):
        return ""
    shown = {p.name for p in plans}
    versions = table["pips"]
    cells = {name: row for name, row in table["scenarios"].items() if name in shown}
    differences: dict[str, list[str]] = {}  # what differs -> the pips it differs under
    for name, row in cells.items():
        for key, override in recipe.scenarios[name].pips.items():
            under = [v for v in versions if row.get(v, {}).get("declared") == key and not row[v]["holds"]]
            if under:
                what = as_markdown(override.because) + (" Only the log reads differently." if log_only(override) else "")
                differences.setdefault(what, [])
                differences[what] += [v for v in under if v not in differences[what]]
    head = f"**Tested with pip {span(versions)}.**"
    if not differences:
        return head
    rows = [f"- pip {span(sorted(under, key=list(versions).index))}: {what}" for what, under in differences.items()]
    return "\n".join([head + " Where older pips differ:", "", *rows])


@macro
def pip_matrix_tables() -> str:
    """Every recipe's table: one row per scenario, one column per pip, and how each log differs."""
    sections = []
    for folder in recipes.discover(EXAMPLES):
        recipe = BUILD.recipe(folder.name)
        table = table_of(recipe)
        if not tables.matrix_plans(recipe):
            continue
        lines = [f"## {recipe.slug}", ""]
        if table is None:
            lines.append(f"Not run under the pip matrix yet: `{tables.REFRESH.format(slug=recipe.slug)}`.")
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
                details.append(f'??? note "{name}: the log under pip {", ".join(under)}"\n\n{indent(block)}')
        becauses = [f"- **{name}**, pips `{key}`: {as_markdown(override.because)}"
                    for name in table["scenarios"] for key, override in recipe.scenarios[name].pips.items()]
        sections.append("\n\n".join(["\n".join(lines), *(["\n".join(becauses)] if becauses else []), *details]))
    return "\n\n".join(sections)


@macro
def pip_matrix_versions() -> str:
    rows = [f"| {p.version} | {p.why} | " + "; ".join(f"[{what}]({where})" for what, where in p.sources) + " |"
            for p in pip_versions.OLDER]
    rows.append(f"| {pip_versions.PINNED} | {pip_versions.PINNED_WHY} | |")
    return "\n".join(["| pip | Why it is in the matrix | Sources |", "|---|---|---|", *rows])
