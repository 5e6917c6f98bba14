"""Troubleshooting's "paste your log" box and its table of symptoms, from the rules the harness derives."""

from __future__ import annotations

import html
import json

from docs_macros.registry import BUILD, macro
from preflight import explain


@macro
def symptom_table() -> str:
    """What a log says, and the section that explains it, for every symptom the guide knows."""
    rows = [f"| {s['says']} | [{s['title']}]({BUILD.link(s['page'] + '#' + s['anchor'])}) |"
            for s in explain.load()["sections"].values()]
    return "\n".join(["| Your log says | Where it is explained |", "|---|---|", *rows])


@macro
def explain_box() -> str:
    """A form that sends a pasted log to its section (docs/js/explain.js), with the rules inline: nothing is
    fetched, nothing is sent."""
    rules = json.dumps(explain.load(), ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    page_url = BUILD.env.page.url if BUILD.env is not None else ""
    root = "../" * page_url.count("/")
    label = "<strong>Paste your execution's log</strong>, or its last lines:"
    privacy = "Nothing you paste leaves your browser."
    return "\n".join([
        f'<form id="explain-log" class="explain-log" markdown="0" autocomplete="off" '
        f'data-page="{html.escape(page_url)}" data-root="{root}">',
        f'  <p><label for="explain-log-text">{label}</label></p>',
        '  <textarea id="explain-log-text" name="log" rows="8" spellcheck="false" '
        'aria-describedby="explain-log-privacy" '
        'style="width: 100%; font-family: var(--md-code-font-family, monospace)"></textarea>',
        f'  <p id="explain-log-privacy"><small>{privacy}</small></p>',
        '  <p><button type="submit" class="md-button md-button--primary">Find the section</button></p>',
        '  <div class="explain-log__result" role="status" aria-live="polite"></div>',
        f'  <script type="application/json" class="explain-log__rules">{rules}</script>',
        "</form>",
    ])
