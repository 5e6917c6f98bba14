"""The built site in a real browser: Debian's Chromium, driven by Playwright.

As readers see it on a laptop (1280 px) and on a phone (390 px), in the light and
the dark colour scheme, with axe-core (``package.json``) checking every page.
Outside CI, a machine without Chromium skips these tests with the command that
installs it; in CI (``CI`` set) a missing Chromium is a failure.
"""

import functools
import http.server
import os
import shutil
import threading

import pytest

from harness import fetch, pip_versions
from tests.conftest import EXAMPLES, ROOT

pytestmark = pytest.mark.xdist_group("site")

SCREENSHOTS = ROOT / "build" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]


def chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path:
        return path
    message = "Chromium is not installed: apt-get update && apt-get install -y chromium"
    if os.environ.get("CI"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site_url(built_site):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=built_site))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    executable = chromium()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def window(browser, site_url):
    """Opens a page in a window of its own, ``width`` px wide, in a colour ``scheme``; all closed afterwards."""
    contexts = []

    def open_page(width: int = 1280, scheme: str = "light"):
        context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
        contexts.append(context)
        # Nothing leaves 127.0.0.1: whatever the theme would fetch from elsewhere (the repository's stars on
        # GitHub) fails at once, as it does for a reader who is offline, instead of waiting on a closed network.
        context.route(lambda url: not url.startswith(site_url), lambda route: route.abort("internetdisconnected"))
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site_url)
        context.set_default_timeout(10_000)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(window, request):
    page = window()
    yield page
    screenshot(page, request.node.name)


def screenshot(page, name: str, element=None) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    (element or page).screenshot(path=SCREENSHOTS / f"{name}.png")


@pytest.fixture(scope="module")
def site_pages(built_site) -> list[str]:
    """Every page of the built site, as a path under its root."""
    pages = sorted("" if p.parent == built_site else f"{p.parent.relative_to(built_site).as_posix()}/"
                   for p in built_site.rglob("index.html"))
    assert "" in pages and len(pages) > 10, pages
    return pages


def test_home_page_shows_the_recommended_recipe(page, site_url):
    page.goto(site_url)
    assert page.locator("h1").inner_text().rstrip("¶").strip() == "Private Python packages in Valohai executions"
    assert page.get_by_text("examples/pip-index-url-variable/valohai.yaml").first.is_visible()


def test_recipe_block_is_titled_and_its_copy_button_copies_the_file(page, site_url):
    page.goto(f"{site_url}/install/index-url/")
    title = page.locator(".highlight .filename", has_text="examples/use-in-executions/valohai.yaml").first
    assert title.is_visible()
    block = title.locator("xpath=..")
    block.hover()
    block.locator('button[data-md-type="copy"]').click()
    copied = page.evaluate("navigator.clipboard.readText()")
    # Code annotations leave trailing spaces on the lines they mark; nothing else may differ.
    lines = [line.rstrip() for line in copied.strip().splitlines()]
    assert lines == (EXAMPLES / "use-in-executions" / "valohai.yaml").read_text().strip().splitlines()


def test_content_tabs_switch_between_companion_files(page, site_url):
    page.goto(f"{site_url}/install/index-url/")
    tabs = page.locator(".tabbed-set", has=page.locator(".filename", has_text="examples/use-in-executions/")).first
    yaml_title = tabs.locator(".filename", has_text="examples/use-in-executions/valohai.yaml")
    train_title = tabs.locator(".filename", has_text="examples/use-in-executions/train.py")
    assert yaml_title.is_visible() and not train_title.is_visible()
    tabs.locator("label", has_text="train.py").click()
    assert train_title.is_visible() and not yaml_title.is_visible()


def test_execution_log_is_shown_below_the_recipe(page, site_url):
    page.goto(f"{site_url}/install/verify-authentication/")
    log = page.locator(".highlight", has=page.locator(".filename", has_text="Execution log: wrong password")).first
    assert log.is_visible()
    title = log.locator(".filename").inner_text()
    assert title.endswith(f"· pip {pip_versions.PINNED}"), "the title names what happened and the pip that printed it"
    assert "lines+" not in title and "standing in" not in title, "how it was produced is on the About pages"
    assert "WARNING: 401 Error, Credentials not correct for" in log.inner_text()


def test_searching_401_leads_to_troubleshooting(page, site_url):
    page.goto(site_url)
    page.locator("label.md-search__icon, .md-search__input").first.click()
    page.locator("input.md-search__input").press_sequentially("401", delay=50)
    first = page.locator(".md-search-result__item a").first
    first.wait_for()
    assert "troubleshooting" in (first.get_attribute("href") or "")
    pages = [href.split("#")[0] for href in page.locator("li.md-search-result__item > a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))")]
    about = [i for i, href in enumerate(pages) if "/about/" in href]
    assert pages and (not about or all("/about/" in href for href in pages[about[0]:])), \
        f"the pages on how the guide is tested rank below every reader page: {pages}"
    first.click()
    page.wait_for_url("**/troubleshooting/**")
    assert page.locator('h2[id="unauthorized-401"]').is_visible()


def test_index_url_builder_encodes_as_the_special_characters_recipe_does_and_sends_nothing(page, site_url):
    from harness.credentials import Credentials, special_password

    page.goto(f"{site_url}/setup/credentials/")
    page.wait_for_load_state("networkidle")
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    user, token = "gitlab+jane.doe@acme.com", special_password("@:/#?!'()*+ ") + "é"
    form = page.locator("#index-url-builder")
    form.locator("[name=host]").fill("https://acme.jfrog.io/")
    form.locator("[name=repository]").fill("pypi-virtual")
    form.locator("[name=user]").fill(user)
    form.locator("[name=token]").fill(token)
    # The encoding the recipes' URLs get (the special-characters recipe's among them), not a copy of it.
    expected = f"https://{Credentials(user, token).userinfo()}@acme.jfrog.io/artifactory/api/pypi/pypi-virtual/simple"
    assert "+" in expected.split("@acme")[0], "'+' stays as it is, in the user name and in the token"
    assert form.locator("output").inner_text() == expected
    page.wait_for_load_state("networkidle")
    assert requests == [], f"the builder must send nothing, but the page asked for {requests}"


def _explain_box(page, site_url):
    page.goto(f"{site_url}/troubleshooting/")
    page.wait_for_load_state("networkidle")
    return page.locator("#explain-log")


def test_explain_box_sends_a_pasted_log_to_its_section_by_keyboard_and_sends_nothing(page, site_url):
    from preflight import explain

    box = _explain_box(page, site_url)
    requests = []
    page.on("request", lambda request: requests.append(request))
    page.get_by_label("Paste your execution's log").focus()  # the label names the box
    page.keyboard.insert_text((EXAMPLES / "verify-authentication" / "logs" / "wrong-password.log").read_text())
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # the button
    section = explain.load()["sections"]["unauthorized-401"]
    result = box.locator(".explain-log__result")
    assert section["cause"] in result.inner_text()
    result.get_by_role("link", name=section["title"]).click()
    page.wait_for_url("**/troubleshooting/#unauthorized-401")
    assert page.locator('h2[id="unauthorized-401"]').is_visible()
    page.wait_for_load_state("networkidle")
    # The browser may still fetch the site's own files (its icon); nothing may carry the log anywhere.
    sent = [f"{r.method} {r.url}" for r in requests if r.method != "GET" or r.post_data or "?" in r.url
            or not r.url.startswith(site_url)]
    assert sent == [], f"the box must send nothing, but the page sent {sent}"


def test_explain_box_says_when_nothing_matches_and_points_at_the_list_of_symptoms(page, site_url):
    box = _explain_box(page, site_url)
    box.locator("textarea").fill((EXAMPLES / "uv" / "logs" / "default-index.log").read_text())
    result = box.locator(".explain-log__result")
    assert "Nothing in this log matches a failure this guide explains" in result.inner_text()
    result.get_by_role("link", name="the list of symptoms").click()
    page.wait_for_url("**/troubleshooting/#symptoms")
    assert page.locator('h2[id="symptoms"]').is_visible()


def test_the_page_explains_every_log_of_the_guide_as_the_command_line_does(page, site_url):
    from harness import explain_rules
    from preflight import explain

    texts = [e.text for e in explain_rules.exemplars()]
    _explain_box(page, site_url)
    in_browser = page.evaluate(
        "texts => { const data = JSON.parse(document.querySelector('.explain-log__rules').textContent);"
        " return texts.map(text => window.explainLog(text, data)); }", texts)
    in_python = [explain.explain(text) for text in texts]
    assert sum(1 for sections in in_python if sections) > 100
    assert in_browser == in_python


def test_index_url_builder_copy_button_copies_the_url_typed(page, site_url):
    """The builder's URL sits in a code box with material's copy button, which copies what the fields hold now."""
    page.goto(f"{site_url}/setup/credentials/")
    form = page.locator("#index-url-builder")
    form.locator("[name=user]").fill("jane+ci")
    form.locator("[name=token]").fill("t@ken")
    url = form.locator("pre > code").inner_text()
    assert url == "https://jane+ci:t%40ken@acme.jfrog.io/artifactory/api/pypi/pypi-virtual/simple"
    form.locator("pre").hover()
    form.locator('button[data-md-type="copy"]').click()
    assert page.evaluate("navigator.clipboard.readText()") == url


# The relative luminance contrast of two colours (WCAG 2), a colour with alpha laid over the background first.
_CONTRAST = """
const rgba = (text) => { const [r, g, b, a = 1] = text.match(/[\\d.]+/g).map(Number); return {r, g, b, a}; };
const background = (element) => {
  for (let e = element; e; e = e.parentElement) {
    const colour = rgba(getComputedStyle(e).backgroundColor);
    if (colour.a > 0) return colour;
  }
  return {r: 255, g: 255, b: 255, a: 1};
};
const over = (fg, bg) => ({r: fg.r * fg.a + bg.r * (1 - fg.a), g: fg.g * fg.a + bg.g * (1 - fg.a),
                           b: fg.b * fg.a + bg.b * (1 - fg.a)});
const luminance = ({r, g, b}) => [r, g, b].map((v) => v / 255)
  .map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4))
  .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
const contrast = (a, b) => { const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_index_url_builder_fields_are_labelled_and_their_edges_show(window, site_url, scheme):
    """Each field has its label, and an edge of 3:1 contrast against the page (WCAG 1.4.11), in both schemes."""
    page = window(scheme=scheme)
    page.goto(f"{site_url}/setup/credentials/")
    fields = page.evaluate("() => {" + _CONTRAST + """
        return [...document.querySelectorAll("#index-url-builder input")].map((input) => {
          const style = getComputedStyle(input);
          const page = background(input.parentElement);
          return {name: input.name, labels: [...input.labels].map((label) => label.textContent.trim()),
                  edge: contrast(over(rgba(style.borderTopColor), page), page),
                  width: parseFloat(style.borderTopWidth)};
        });
    }""")
    screenshot(page, f"index-url-builder-{scheme}", page.locator("#index-url-builder"))
    assert [f["name"] for f in fields] == ["host", "repository", "user", "token"]
    for field in fields:
        assert len(field["labels"]) == 1 and field["labels"][0], f"{field['name']}: labels {field['labels']}"
        assert field["width"] >= 1 and field["edge"] >= 3, f"{field['name']} ({scheme}): edge {field}"


@pytest.mark.parametrize("width", [1280, 390])
def test_security_table_shows_every_column(window, site_url, width):
    """The table of commands that print the token fits the screen: no column is scrolled out of view."""
    page = window(width=width)
    page.goto(f"{site_url}/security/")
    table = page.locator("table", has=page.locator("th", has_text="Don't"))
    found = table.evaluate("""(table) => {
        const wrap = table.closest(".md-typeset__scrollwrap") || table.parentElement;
        const right = Math.min(window.innerWidth, wrap.getBoundingClientRect().right);
        return {scrolls: wrap.scrollWidth > wrap.clientWidth,
                hidden: [...table.querySelectorAll("th")].filter((th) => th.getBoundingClientRect().right > right + 1)
                  .map((th) => th.textContent)};
    }""")
    screenshot(page, f"security-table-{width}", table)
    assert not found["scrolls"] and not found["hidden"], f"at {width} px: {found}"


def test_first_paragraph_sits_close_under_the_title(page, site_url):
    """No empty band between a page's title and its first paragraph (material's 40 px margin looked like one)."""
    page.goto(f"{site_url}/install/index-url/")
    gap = page.evaluate("""() => {
        const title = document.querySelector("article h1");
        return title.nextElementSibling.getBoundingClientRect().top - title.getBoundingClientRect().bottom;
    }""")
    assert 0 < gap <= 24, gap


# Every code block a reader can bring into view: those in tabs not selected and in closed details too.
_SHOW_ALL = """() => {
  document.querySelectorAll("details").forEach((details) => { details.open = true; });
  const style = document.createElement("style");
  style.textContent = ".tabbed-set > .tabbed-content > .tabbed-block { display: block !important }";
  document.head.append(style);
}"""
# Each YAML block: its title, whether it scrolls sideways, and each line with the rows it takes; for a line that
# wraps, where its text starts (after the indent and the list dash) and where its continuation rows start.
_YAML_LINES = r"""() => {
  const rects = (node, from = 0, to = node.length) => {
    const range = document.createRange();
    range.setStart(node, from);
    range.setEnd(node, to);
    return [...range.getClientRects()].filter((rect) => rect.width > 0);
  };
  return [...document.querySelectorAll("div.language-yaml.highlight")].map((block) => {
    const code = block.querySelector("pre > code");
    const height = parseFloat(getComputedStyle(code).lineHeight);
    const lines = [...code.querySelectorAll(':scope > span[id^="__span-"]')].map((line) => {
      const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT, {
        acceptNode: (node) => (node.parentElement.closest(".md-annotation") ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT),
      });
      const nodes = [];
      for (let node; (node = walker.nextNode());) nodes.push(node);
      const text = nodes.map((node) => node.data).join("").replace(/\s+$/, "");
      const rows = Math.round(line.getBoundingClientRect().height / height);
      if (rows < 2) return {text, rows};
      let offset = /^\s*(- )?/.exec(text)[0].length, first;
      for (const node of nodes) {
        if (offset < node.length) { first = rects(node, offset, offset + 1)[0]; break; }
        offset -= node.length;
      }
      const continued = nodes.flatMap((node) => rects(node)).filter((rect) => rect.top > first.top + height / 2);
      return {text, rows, starts: first.left, continues: Math.min(...continued.map((rect) => rect.left))};
    });
    const box = code.getBoundingClientRect();
    return {title: (block.querySelector(".filename") || {}).textContent || "(untitled)", lines,
            overflows: code.scrollWidth > code.clientWidth, past_screen: box.right > window.innerWidth};
  });
}"""
def yaml_blocks(page, url: str) -> list[dict]:
    page.goto(url)
    page.evaluate(_SHOW_ALL)
    return page.evaluate(_YAML_LINES)


def test_every_yaml_line_fits_its_box_at_1280_px(window, site_url, site_pages):
    """On a laptop a recipe reads as written: no line wraps or runs out of its box (long ones are folded in the file)."""
    page = window(width=1280)
    wrapped, overflowing = {}, []
    for path in site_pages:
        for block in yaml_blocks(page, f"{site_url}/{path}"):
            overflowing += [f"/{path}: {block['title']}"] if block["overflows"] or block["past_screen"] else []
            if long := [line["text"] for line in block["lines"] if line["rows"] > 1]:
                wrapped[block["title"]] = (path, long)
    assert not overflowing, f"scrolls sideways at 1280 px: {overflowing}"
    assert not wrapped, "wider than the box at 1280 px (fold them in the file with `- >-`, keeping the command):\n" + \
        "\n".join(f"/{path}: {title}:\n  " + "\n  ".join(lines) for title, (path, lines) in wrapped.items())


def test_yaml_lines_wrap_under_a_hanging_indent_on_a_phone(window, site_url, site_pages):
    """At 390 px a long line wraps inside its box, and its continuation starts deeper than its own text."""
    page = window(width=390)
    problems, wrapped = [], 0
    for path in site_pages:
        for block in yaml_blocks(page, f"{site_url}/{path}"):
            where = f"/{path}: {block['title']}"
            if block["overflows"] or block["past_screen"]:
                problems.append(f"{where}: runs past the screen")
            for line in (line for line in block["lines"] if line["rows"] > 1):
                wrapped += 1
                if not line["continues"] > line["starts"]:
                    problems.append(f"{where}: {line['text'].strip()!r} continues at {line['continues']:.0f} px, "
                                    f"left of its text at {line['starts']:.0f} px")
    page.goto(f"{site_url}/setup/codeartifact/")
    screenshot(page, "phone-codeartifact-recipe",
               page.locator(".highlight", has_text="examples/codeartifact/valohai.yaml").first)
    page.goto(f"{site_url}/install/verify-authentication/")
    screenshot(page, "phone-log", page.locator(".highlight", has_text="Execution log: wrong password").first)
    assert not problems, "\n".join(problems)
    assert wrapped > 20, "a phone's box holds about 40 columns: many recipe lines must wrap"


AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_nothing_serious_on_any_page(window, site_url, site_pages, scheme):
    """axe-core (package.json) on every page, every tab and detail open, as a reader whose system is in ``scheme`` sees it."""
    if (missing := fetch.node_tools_installed()) is not None:
        pytest.fail(missing, pytrace=False)
    page = window(scheme=scheme)
    page.context.add_init_script(path=AXE)
    found = []
    for path in site_pages:
        page.goto(f"{site_url}/{path}")
        page.evaluate(_SHOW_ALL)
        result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
        found += [
            f"/{path}: {v['id']} ({v['impact']}): {v['help']}: "
            + "; ".join(f"{' '.join(map(str, n['target']))}" for n in v["nodes"][:3])
            + (f" and {len(v['nodes']) - 3} more" if len(v["nodes"]) > 3 else "")
            for v in result["violations"] if v["impact"] in ("serious", "critical")
        ]
    assert not found, f"axe-core, {scheme} scheme:\n" + "\n".join(found)
