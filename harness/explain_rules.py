"""The rules that send a pasted log to the section that explains it, derived from the guide's own logs.

Every log the guide shows failing is an *exemplar* of the symptom its scenario
shows (``harness.symptoms``): each scenario's committed logs, and the log each
older pip of the matrix printed instead (``logs/pip-matrix.json``). Its telling
lines (``logs.telling_lines``) become patterns, regular expressions in which
what a reader's log says differently (addresses, hosts, package names and
versions, numbers, quoted values, paths) matches anything. Exemplars with the
same patterns make one rule; when their symptoms differ, the rule answers with
the section whose ``also`` lists them all. ``preflight.explain`` matches logs
against the rules; they are written to ``explain_rules.json``, which ships with
the preflight and the site (``python -m harness explain-rules --update``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from harness import catalogue, logs, pip_versions, recipes, symptoms, tables
from preflight import models
from preflight.explain import RULES_FILE

ROOT = pip_versions.ROOT
EXAMPLES = ROOT / "examples"
DOCS = ROOT / "docs"
REFRESH = "python -m harness explain-rules --update"
FAILED = ("failure", "timed-out")

_NAMES = sorted((catalogue.all_projects() - {"pip"}) | set(catalogue.UNPUBLISHED), key=len, reverse=True)
_SPECIFIER = r"[<>=!~]=?[\w.*+!-]+"
# What a reader's log says in its own words, leftmost first. A requirement is a package name with its version
# specifiers and pip's "(from …)" note on who asked for it; pip's own self-check ("pip") is no reader's package.
_VARIABLE = re.compile("|".join([
    r"(?P<versions>(?<=versions: )\d[^)]*)",  # a list of versions: not "none"
    r'(?<=at STEP )".*?"(?=: [a-z])|(?<=secret with id )\S+',  # the instruction a builder stopped at, a secret's id
    r"[a-z][a-z0-9+.-]*://[^\s'\")]*",  # a URL
    r"\{.*\}",  # a Python dict, as older pips print a certificate
    r"'[^'\s(),\"]*'|\"[^\"\s(),']*\"",  # a quoted word: a host, a masked value, a variable
    r"0x[0-9a-f…]+",  # an object's address
    (rf"(?<![\w.-])(?:{'|'.join(map(re.escape, _NAMES))})(?:\[[^\]]*\])?(?:{_SPECIFIER}(?:,{_SPECIFIER})*)?"
     r"(?: \((?!from versions)from [^()]*(?:\([^()]*\)[^()]*)*\))?(?![\w-])"),  # a requirement
    r"(?<![\w.-])[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?![\w-])",  # a host name, a dotted number
    r"(?<![\w./-])/[^\s'\")]*",  # a path
    r"(?<=[=:])\d[\d.]*|(?<=port )\d+|\d+(?= ms\b)",  # a setting, a port, a duration
]))
_ANY, _VERSIONS = ".*", "[0-9].*"
_OPERATORS = set("\\.^$*+?()[]{}|")


@dataclass(frozen=True)
class Exemplar:
    name: str  # <slug>::<scenario>, with the model or the pip it ran under
    key: str | None  # its entry in symptoms.SHOWN_BY, None if it has none
    outcome: str
    text: str

    @property
    def symptom(self) -> str | None:
        return symptoms.SHOWN_BY.get(self.key) if self.key else None


class RulesError(Exception):
    pass


def escape(text: str) -> str:
    """Literal text as a regular expression that Python and JavaScript read alike: only their operators escaped."""
    return "".join("\\" + c if c in _OPERATORS else c for c in text)


def pattern(line: str) -> str:
    """A telling line as a pattern that finds it in any log, whatever that log's hosts, packages and numbers."""
    pieces, at = [], 0
    for match in _VARIABLE.finditer(line):
        if match.start() > at:
            pieces.append(escape(line[at:match.start()]))
        wildcard = _VERSIONS if match.lastgroup == "versions" else _ANY
        if not (wildcard == _ANY and pieces[-1:] == [_ANY]):
            pieces.append(wildcard)
        at = match.end()
    pieces.append(escape(line[at:]))
    while pieces and pieces[0] in ("", _ANY):  # the pattern is searched for: no wildcard needed at either end
        pieces.pop(0)
    while pieces and pieces[-1] in ("", _ANY):
        pieces.pop()
    return "".join(pieces)


def exemplars(examples: Path = EXAMPLES) -> list[Exemplar]:
    """Every committed log of every recipe, and every log the pip matrix recorded, each with its scenario's entry."""
    found: dict[tuple[str, str], Exemplar] = {}
    for folder in recipes.discover(examples):
        recipe = recipes.load(folder)
        for plan in recipe.plans():
            if plan.expect.outcome == "rejected" or not plan.log_path.is_file():
                continue
            name = f"{recipe.slug}::{plan.name}" + (f"@{plan.model}" if plan.has_own_log else "")
            text = logs.split_header(plan.log_path.read_text())[1]
            found.setdefault((name, text), Exemplar(name, _key(recipe.slug, plan.name), plan.expect.outcome, text))
        for scenario, cells in ((tables.load_table(recipe) or {}).get("scenarios") or {}).items():
            pinned = recipe.plan(scenario, models.DEFAULT)
            reference = pinned.log_path.read_text()
            for version, cell in cells.items():
                if not cell["log"]:
                    continue  # the committed log's own lines
                text = "\n".join(tables.apply_difference(reference, cell["log"]))
                key = _key(recipe.slug, scenario, cell["declared"])
                recovered = cell["outcome"] == "success" and pinned.expect.outcome != "success"
                if recovered and key == _key(recipe.slug, scenario):
                    key = None  # the scenario's symptom is its failure, which this pip doesn't show
                name = f"{recipe.slug}::{scenario} under pip {version}"
                found.setdefault((name, text), Exemplar(name, key, cell["outcome"], text))
    return list(found.values())


def _key(slug: str, scenario: str, declared: str | None = None) -> str | None:
    for key in (f"{slug}::{scenario} {declared}" if declared else None, f"{slug}::{scenario}"):
        if key in symptoms.SHOWN_BY:
            return key
    return None


def unassigned_failures(found: list[Exemplar]) -> list[str]:
    return sorted(e.name for e in found if e.outcome in FAILED and e.symptom is None)


def rules(found: list[Exemplar]) -> list[dict]:
    """One rule per set of patterns the exemplars show, answered by the section that explains all of their symptoms;
    largest first, then in the pages' order."""
    by_patterns: dict[frozenset[str], set[str]] = {}
    problems = [f"{name} fails, and harness/symptoms.py names no symptom for it" for name in unassigned_failures(found)]
    for exemplar in found:
        if exemplar.symptom is None:
            continue
        lines = logs.telling_lines(exemplar.text)
        if not lines:
            problems.append(f"{exemplar.name} shows {exemplar.symptom}, but its log has no telling line")
        by_patterns.setdefault(frozenset(pattern(line) for line in lines), set()).add(exemplar.symptom)
    order = [s.id for s in symptoms.SYMPTOMS]
    made = []
    for patterns, shown in by_patterns.items():
        answer = _section_for(shown)
        if answer is None:
            problems.append(f"logs of {', '.join(sorted(shown))} can't be told apart ({' + '.join(sorted(patterns))}), "
                            "and no symptom lists them all in its also")
            continue
        made.append({"section": answer, "patterns": sorted(patterns)})
    if problems:
        raise RulesError("\n".join(problems))
    return sorted(made, key=lambda r: (-len(r["patterns"]), order.index(r["section"]), r["patterns"]))


def _section_for(shown: set[str]) -> str | None:
    """The one symptom, or the narrowest section that explains every symptom shown (``also``), first on the page."""
    covering = [s for s in symptoms.SYMPTOMS if shown <= {s.id, *s.also}]
    return min(covering, key=lambda s: len(s.also)).id if covering else None


def section_title(page: str, anchor: str, docs: Path = DOCS) -> str:
    """The heading of the section as the page writes it (markdown), found by its ``{#anchor}`` or the anchor MkDocs
    makes of it."""
    from markdown.extensions.toc import slugify  # MkDocs' own; only building the rules needs it

    for line in (docs / page).read_text().splitlines():
        heading = re.match(r"^#{1,6}\s+(?P<text>.*?)\s*(?:\{(?P<attrs>[^}]*)\})?\s*$", line)
        if heading is None:
            continue
        if f"#{anchor}" in (heading["attrs"] or "").split() or slugify(heading["text"].replace("`", ""), "-") == anchor:
            return heading["text"]
    raise RulesError(f"docs/{page} has no section #{anchor}")


def site_url(config: Path = ROOT / "mkdocs.yml") -> str | None:
    match = re.search(r"^site_url:\s*['\"]?(?P<url>[^'\"\s#]+)", config.read_text(), re.MULTILINE)
    return match["url"].rstrip("/") + "/" if match else None


def page_url(page: str) -> str:
    """Where MkDocs publishes a page (directory URLs), from the site's root."""
    path = page.removesuffix(".md")
    return "" if path == "index" else path.removesuffix("/index") + "/"


def document(found: list[Exemplar] | None = None) -> dict:
    """What the preflight and the page need: the sections, where the symptom table is, and the rules."""
    sections = {
        s.id: {"title": section_title(s.page, s.anchor), "page": s.page, "anchor": s.anchor,
               "url": f"{page_url(s.page)}#{s.anchor}",
               "says": s.says, "cause": s.cause, "also": list(s.also)}
        for s in symptoms.SYMPTOMS
    }
    page, anchor = symptoms.TABLE
    return {"site": site_url(), "table": {"page": page, "anchor": anchor, "url": f"{page_url(page)}#{anchor}"},
            "sections": sections, "rules": rules(exemplars() if found is None else found)}


def render(data: dict) -> str:
    return json.dumps(data, indent=1, ensure_ascii=False) + "\n"


def main(update: bool) -> int:
    """Write the rules (``update``), or say whether the committed ones are current."""
    try:
        fresh = render(document())
    except RulesError as exc:
        print(f"the rules can't be derived:\n{exc}")
        return 1
    current = RULES_FILE.is_file() and RULES_FILE.read_text() == fresh
    if update and not current:
        RULES_FILE.write_text(fresh)
        print(f"wrote {RULES_FILE.relative_to(ROOT)}")
        return 0
    print(f"{RULES_FILE.relative_to(ROOT)} is " + ("current" if current else f"out of date: {REFRESH}"))
    return 0 if current or update else 1
