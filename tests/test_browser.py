"""The built site in a real browser: Debian's Chromium, driven by Playwright.

Outside CI, a machine without Chromium skips these tests with the command that
installs it; in CI (``CI`` set) a missing Chromium is a failure.
"""

import functools
import http.server
import os
import shutil
import threading

import pytest

from harness import pip_versions
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
def page(browser, site_url, request):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    # Nothing leaves 127.0.0.1: whatever the theme would fetch from elsewhere (the repository's stars on
    # GitHub) fails at once, as it does for a reader who is offline, instead of waiting on a closed network.
    context.route(lambda url: not url.startswith(site_url), lambda route: route.abort("internetdisconnected"))
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site_url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{request.node.name}.png")
    context.close()


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
