"""Measure the reader pages of a built site: words of prose, logs and their lines, code blocks.

    python scripts/reader_pages.py [SITE_DIR]     # builds the site into a temporary folder without one

Prose is the text a reader reads in the page's article, outside code blocks, logs, tables and the
table of contents (words in tables are counted apart); the About pages (about/) are not reader
pages and are left out.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class _Article(HTMLParser):
    """Collects the words of ``<article>`` outside ``<pre>``, and counts its code blocks and their lines."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = {"article": 0, "pre": 0, "skip": 0, "table": 0}
        self.words: list[str] = []
        self.table_words: list[str] = []
        self.blocks: list[tuple[str, int]] = []  # (title, lines)
        self._title = ""
        self._pre_text: list[str] = []
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if tag == "article":
            self.depth["article"] += 1
        if self.depth["article"] and tag == "pre":
            self.depth["pre"] += 1
            self._pre_text = []
        if self.depth["article"] and tag == "table":
            self.depth["table"] += 1
        if self.depth["article"] and "filename" in classes:
            self._in_title, self._title = True, ""
        if self.depth["article"] and ("headerlink" in classes or tag in ("script", "style")):
            self.depth["skip"] += 1

    def handle_endtag(self, tag):
        if tag == "article":
            self.depth["article"] -= 1
        if self.depth["article"] and tag == "table" and self.depth["table"]:
            self.depth["table"] -= 1
        if self.depth["article"] and tag == "pre" and self.depth["pre"]:
            self.depth["pre"] -= 1
            text = "".join(self._pre_text).strip("\n")
            self.blocks.append((self._title, text.count("\n") + 1 if text else 0))
            self._title = ""
        if self._in_title and tag == "span":
            self._in_title = False
        if self.depth["skip"] and tag in ("a", "script", "style"):
            self.depth["skip"] -= 1

    def handle_data(self, data):
        if not self.depth["article"]:
            return
        if self._in_title:
            self._title += data
            return
        if self.depth["pre"]:
            self._pre_text.append(data)
        elif not self.depth["skip"]:
            (self.table_words if self.depth["table"] else self.words).extend(re.findall(r"\S+", data))


def measure(site: Path) -> dict[str, dict]:
    pages = {}
    for html in sorted(site.rglob("index.html")):
        relative = html.parent.relative_to(site).as_posix()
        if relative.startswith(("about", "search", "assets")) or relative == "404":
            continue
        parser = _Article()
        parser.feed(html.read_text())
        logs = [(title, n) for title, n in parser.blocks if title.startswith("Execution log")]
        pages[relative or "."] = {"words": len(parser.words), "in tables": len(parser.table_words), "logs": len(logs),
                                  "log lines": sum(n for _, n in logs), "blocks": len(parser.blocks)}
    return pages


def main() -> None:
    if len(sys.argv) > 1:
        site = Path(sys.argv[1])
    else:
        site = Path(tempfile.mkdtemp(prefix="site-"))
        subprocess.run([sys.executable, "-m", "mkdocs", "build", "--quiet", "-d", str(site)], cwd=ROOT, check=True)
    pages = measure(site)
    width = max(len(p) for p in pages)
    keys = ("words", "in tables", "logs", "log lines", "blocks")
    print(f"{'page':{width}}  " + "  ".join(keys))
    for page, m in [*pages.items(), ("total", {k: sum(m[k] for m in pages.values()) for k in keys})]:
        print(f"{page:{width}}  " + "  ".join(f"{m[k]:{len(k)}}" for k in keys))


if __name__ == "__main__":
    main()
