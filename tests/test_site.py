"""The site builds strictly, shows every recipe, and holds no snippet typed by hand."""

import json
import re
import shutil

import pytest

import macros
from harness import recipes
from tests.conftest import EXAMPLES, ROOT, build_site

DOCS = ROOT / "docs"
FENCE = re.compile(r"^\s*(```+|~~~+)\s*(?P<info>[^\n]*)$", re.MULTILINE)
# scheme://user:secret@ where the secret is not a placeholder ($VAR, <TOKEN>, {x}) nor masked (****)
CREDENTIAL = re.compile(r"[a-z]+://[^/@\s$<{:]+:(?!\*+@)[^/@\s$<{]+@")


@pytest.mark.xdist_group("site")
def test_site_builds_strictly(built_site):
    assert (built_site / "index.html").is_file()


@pytest.mark.xdist_group("site")
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
    ("page", "reasons"),
    [
        ('{{ recipe("no-such-recipe") }}', ["no recipe examples/no-such-recipe"]),
        ("{{ undefined_variable }}", ["undefined_variable"]),
        (
            "See [the page](missing-page.md) and [401](troubleshooting.md#no-such-heading).",
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
        macros.render_log("verify-authentication", "no-such-scenario")
    with pytest.raises(ValueError, match="examples/use-in-executions has no file setup.py"):
        macros.render_file("use-in-executions", "setup.py")
    with pytest.raises(ValueError, match="annotation target 'no such line' is not in examples/use-in-executions/valohai.yaml"):
        macros.render_recipe("use-in-executions", annotations={"no such line": "a note"})
