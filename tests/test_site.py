"""The site builds strictly, shows every recipe, and holds no snippet typed by hand."""

import html
import json
import re
import shutil

import pytest

from docs_macros import citations, logs
from docs_macros import preflight as preflight_macros
from docs_macros import recipes as recipe_macros
from docs_macros.markdown import fence
from docs_macros.registry import manifest_path
from harness import fidelity, images, recipes, vendors
from harness.logs import REWRITES
from preflight import models
from tests.conftest import EXAMPLES, ROOT, build_site

DOCS = ROOT / "docs"
FENCE = re.compile(r"^\s*(```+|~~~+)\s*(?P<info>[^\n]*)$", re.MULTILINE)
# scheme://user:secret@ where the secret is not a placeholder ($VAR, <TOKEN>, {x}) nor masked (****)
CREDENTIAL = re.compile(r"[a-z]+://[^/@\s$<{:]+:(?!\*+@)[^/@\s$<{]+@")


@pytest.mark.xdist_group("site")
def test_site_builds_strictly(built_site):
    assert (built_site / "index.html").is_file()
    assert not list(built_site.glob("*.json")), "the tests' manifest must not be published with the site"


@pytest.mark.xdist_group("site")
def test_every_recipe_and_every_log_is_on_a_page(built_site):
    manifest = json.loads(manifest_path(built_site).read_text())
    slugs = {p.name for p in recipes.discover(EXAMPLES)}
    assert set(manifest["recipes"]) == slugs, f"not on any page: {sorted(slugs - set(manifest['recipes']))}"
    for entry in manifest["logs"]:
        slug, shown = entry.split("::")
        scenario, _, model = shown.partition("@")
        assert (EXAMPLES / slug / "logs" / (f"{scenario}.{model}.log" if model else f"{scenario}.log")).is_file()


@pytest.mark.xdist_group("site")
def test_how_recipes_are_run_lists_every_model_deviation_rewrite_and_gap(built_site):
    """The page is rendered from the harness's own data: anything the harness does and the page omits fails here."""
    manifest = json.loads(manifest_path(built_site).read_text())
    assert set(manifest["fidelity"]) == {"models", "images", "deviations", "rewrites", "not-emulated", "registry"}
    text = html.unescape(re.sub(r"<[^>]+>", "", (built_site / "about" / "index.html").read_text()))
    expected = [
        *(m.name for m in models.MODELS), *(d.name for d in fidelity.DEVIATIONS), *(r.name for r in REWRITES),
        *fidelity.NOT_EMULATED, *(i.name for i in images.IMAGES), *(d.url for d in vendors.REGISTRY.values()),
        *(f"{name}{value}" for i in images.IMAGES for name, value in i.environment.items()),
    ]
    page = text.replace("\n", "") + (built_site / "about" / "index.html").read_text()
    missing = [item for item in expected if item not in page]
    assert not missing, f"not on the page: {missing}"


@pytest.mark.xdist_group("site")
def test_every_documented_behaviour_is_cited_where_the_guide_relies_on_it(built_site):
    manifest = json.loads(manifest_path(built_site).read_text())
    uncited = set(vendors.REGISTRY) - set(manifest["cited"])
    assert not uncited, f"documented in harness/vendors.py but cited on no page: {sorted(uncited)}"


def test_citing_an_unknown_behaviour_names_it():
    with pytest.raises(ValueError, match="no documented behaviour 'jfrog-magic' in harness/vendors.py"):
        citations.render_citation("jfrog-magic")


@pytest.mark.parametrize("page", sorted(DOCS.rglob("*.md")), ids=lambda p: str(p.relative_to(ROOT)))
def test_pages_type_no_code_block_except_python(page):
    """YAML, shell and logs come from examples/ through macros; only Python is typed (and run by pytest-examples)."""
    infos = [m["info"].split()[0] if m["info"].strip() else "(no language)" for m in FENCE.finditer(page.read_text())]
    opening = infos[::2]
    assert all(info in ("python", "py") for info in opening), f"{page.name}: blocks {opening}"


def test_no_credential_literal_in_examples_or_docs():
    hits = [
        f"{path.relative_to(ROOT)}:{n}: {line.strip()}"
        for folder in (EXAMPLES, DOCS)
        for path in sorted(folder.rglob("*")) if path.is_file()
        for n, line in enumerate(path.read_text(errors="replace").splitlines(), 1)
        if CREDENTIAL.search(line)
    ]
    assert not hits, "credential literals:\n" + "\n".join(hits)


def project_copy(tmp_path, page: str):
    """The site's configuration, macros and recipes in ``tmp_path``, with two small pages and ``page``."""
    tmp_path.mkdir()
    shutil.copytree(ROOT / "docs_macros", tmp_path / "docs_macros", ignore=shutil.ignore_patterns("__pycache__"))
    config = (ROOT / "mkdocs.yml").read_text().split("\nnav:\n")[0]
    git_dates = "  - git-revision-date-localized:\n      type: date\n      fallback_to_build_date: true\n"
    assert git_dates in config, "mkdocs.yml changed: update project_copy"
    config = config.replace(git_dates, "")  # the copy is no git repository
    (tmp_path / "mkdocs.yml").write_text(config + "\nnav:\n  - index.md\n  - target.md\n  - extra.md\n")
    for name in ("examples", "harness", "preflight"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text('# Home\n\n{{ recipe("verify-authentication") }}\n')
    (tmp_path / "docs" / "target.md").write_text("# Target\n\n## A heading\n")
    (tmp_path / "docs" / "extra.md").write_text(page)
    return tmp_path


def test_the_minimal_project_builds_without_the_broken_page(tmp_path):
    """So that each broken page below fails the build for its own reason."""
    result = build_site(project_copy(tmp_path / "project", "# Fine\n"), tmp_path / "site")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("page", "reasons"),
    [
        ('{{ recipe("no-such-recipe") }}', ["no recipe examples/no-such-recipe"]),
        ("{{ undefined_variable }}", ["undefined_variable"]),
        (
            "See [the page](missing-page.md) and [a heading](target.md#no-such-heading).",
            ["missing-page.md", "no-such-heading"],
        ),
    ],
    ids=["macro-error", "undefined-variable", "broken-links"],
)
def test_build_fails_on_a_broken_page(tmp_path, page, reasons):
    result = build_site(project_copy(tmp_path / "project", page), tmp_path / "site")
    assert result.returncode != 0
    for reason in reasons:
        assert reason in result.stdout + result.stderr


def test_macros_name_what_is_missing():
    with pytest.raises(ValueError, match="examples/verify-authentication has no scenario 'no-such-scenario'"):
        logs.shown_log("verify-authentication", "no-such-scenario")
    with pytest.raises(ValueError, match="examples/use-in-executions has no file setup.py"):
        recipe_macros.render_file("use-in-executions", "setup.py")
    with pytest.raises(ValueError, match="annotation target 'no such line' is not in examples/use-in-executions/valohai.yaml"):
        recipe_macros.render_recipe("use-in-executions", annotations={"no such line": "a note"})


def _page_text(built_site, page: str) -> str:
    text = html.unescape(re.sub(r"<[^>]+>", "", (built_site / page / "index.html").read_text()))
    return re.sub(r"\s+", " ", text)


def _as_read(markdown: str) -> str:
    """What a reader sees of a short markdown text: code spans lose their backticks."""
    return re.sub(r"\s+", " ", markdown.replace("`", ""))


@pytest.mark.xdist_group("site")
def test_registry_and_rule_texts_reach_the_reader_intact(built_site):
    """Texts holding <, > or & are escaped once, not swallowed as HTML nor shown as &amp;lt;."""
    shown = {
        "about": [_as_read(t) for d in vendors.REGISTRY.values() for t in (d.rule, d.title)],
        "check-your-valohai-yaml": [_as_read(rule.summary) for rule in preflight_macros.RULES.values()],
    }
    for page, texts in shown.items():
        text = _page_text(built_site, page)
        missing = [t for t in texts if t not in text]
        assert not missing, f"{page}: not shown as written: {missing}"



HARNESS_WORDS = re.compile(r"stand-in|standing in|scenario|pip matrix|lines\+sh|lines\+bash|and-chain|"
                           r"Python \d+\.\d+\.\d+|harness", re.IGNORECASE)


@pytest.mark.xdist_group("site")
def test_reader_pages_speak_the_readers_words(built_site):
    """How the guide is tested lives under about/: a reader page's prose, tables and block titles never use the
    machinery's vocabulary (what a command printed, inside a block, is as it printed it)."""
    found = []
    for html_file in sorted(built_site.rglob("index.html")):
        page = html_file.parent.relative_to(built_site).as_posix()
        if page.startswith(("about", "search", "assets")) or page == "404":
            continue
        article = re.search(r"<article.*?</article>", html_file.read_text(), re.DOTALL)
        shown = re.sub(r"<pre.*?</pre>|<script.*?</script>", " ", article[0] if article else "", flags=re.DOTALL)
        text = html.unescape(re.sub(r"<[^>]+>", " ", shown))
        found += [f"{page or '.'}: …{text[max(0, m.start() - 40):m.end() + 40].strip()}…"
                  for m in HARNESS_WORDS.finditer(text)]
    assert not found, "test vocabulary on reader pages:\n" + "\n".join(found)


@pytest.mark.xdist_group("site")
def test_every_fence_becomes_a_code_block(built_site):
    """A fence line superfences can't parse (a title holding the quote it is written between) is left as text,
    its options on show."""
    left = []
    for html_file in sorted(built_site.rglob("*.html")):
        article = re.search(r"<article.*?</article>", html_file.read_text(), re.DOTALL)
        text = re.sub(r"<pre.*?</pre>", " ", article[0] if article else "", flags=re.DOTALL)
        left += [f"{html_file.relative_to(built_site)}: {line.strip()[:100]}"
                 for line in html.unescape(re.sub(r"<[^>]+>", "", text)).splitlines()
                 if "```" in line or re.search(r"\btitle=[\"']", line)]
    assert not left, "fences rendered as text:\n" + "\n".join(left)


def test_a_block_title_holding_double_quotes_goes_between_single_ones():
    assert fence("text", ["x"], title='export T="$(aws …)"').splitlines()[0] == "```text title='export T=\"$(aws …)\"'"
