"""The site builds strictly, shows every recipe, and holds no snippet typed by hand."""

import json
import re
import shutil

import pytest

from harness import recipes
from tests.conftest import EXAMPLES, ROOT, build_site

pytestmark = pytest.mark.xdist_group("site")

DOCS = ROOT / "docs"
FENCE = re.compile(r"^\s*(```+|~~~+)\s*(?P<info>[^\n]*)$", re.MULTILINE)
# scheme://user:secret@ where the secret is not a placeholder ($VAR, <TOKEN>, {x}) nor masked (****)
CREDENTIAL = re.compile(r"[a-z]+://[^/@\s$<{:]+:(?!\*{4}@)[^/@\s$<{]+@")


def test_site_builds_strictly(built_site):
    assert (built_site / "index.html").is_file()


def test_every_recipe_and_every_log_is_on_a_page(built_site):
    manifest = json.loads((built_site / "rendered-recipes.json").read_text())
    slugs = {p.name for p in recipes.discover(EXAMPLES)}
    assert set(manifest["recipes"]) == slugs, f"not on any page: {sorted(slugs - set(manifest['recipes']))}"
    for entry in manifest["logs"]:
        slug, scenario = entry.split("::")
        assert (EXAMPLES / slug / "logs" / f"{scenario}.log").is_file()


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
    """The site's sources in ``tmp_path``, with one extra page."""
    tmp_path.mkdir()
    for name in ("mkdocs.yml", "macros.py"):
        shutil.copy(ROOT / name, tmp_path / name)
    for name in ("docs", "examples", "harness"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "docs" / "extra.md").write_text(page)
    return tmp_path


@pytest.mark.parametrize(
    ("page", "reason"),
    [
        ('{{ recipe("no-such-recipe") }}', "no recipe examples/no-such-recipe"),
        ('{{ log("verify-authentication", "no-such-scenario") }}', "has no scenario 'no-such-scenario'"),
        ("See [the page](missing-page.md).", "missing-page.md"),
        ("See [401](troubleshooting.md#no-such-heading).", "no-such-heading"),
        ("{{ undefined_variable }}", "undefined_variable"),
    ],
    ids=["unknown-recipe", "unknown-scenario", "broken-link", "broken-anchor", "undefined-variable"],
)
def test_build_fails_on_a_broken_page(tmp_path, page, reason):
    result = build_site(project_copy(tmp_path / "project", page), tmp_path / "site")
    assert result.returncode != 0
    assert reason in result.stdout + result.stderr
