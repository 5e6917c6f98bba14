"""valohai-preflight explain: send an execution's log to the section of the guide that explains its failure.

    valohai-preflight explain execution.log
    some-ci-step 2>&1 | valohai-preflight explain -

Each rule of ``explain_rules.json`` (derived from the guide's own failure logs
by ``harness.explain_rules``) is a set of patterns and the section they point
to. A log matches a rule when every pattern finds a line of it; it is sent to
the section of every rule it matches, unless it matches a fuller one too (one
with the same patterns and more). docs/js/explain.js does the same in the browser, and the
tests check that both agree. Nothing is sent anywhere.

Exit status: 0 when the log is recognised, 1 when it isn't, 2 when the command
itself can't run (no such file, a folder, no permission).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from functools import cache
from pathlib import Path

RULES_FILE = Path(__file__).with_name("explain_rules.json")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_COLOUR = re.compile(r"\x1b\[[0-9;]*m")  # a terminal's colours, if the log was copied from one


@cache
def load(path: Path = RULES_FILE) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def explain(text: str, data: dict | None = None) -> list[str]:
    """The sections that explain the log: usually one, one per failure where it shows several, none when no rule
    matches it."""
    data = load() if data is None else data
    lines = _LINE_BREAK.split(_COLOUR.sub("", text))
    found: dict[str, bool] = {}

    def finds(pattern: str) -> bool:
        if pattern not in found:
            expression = re.compile(pattern)
            found[pattern] = any(expression.search(line) for line in lines)
        return found[pattern]

    matched = [rule for rule in data["rules"] if all(finds(p) for p in rule["patterns"])]
    sections = []
    for rule in matched:
        fuller = any(set(rule["patterns"]) < set(other["patterns"]) for other in matched)
        if not fuller and rule["section"] not in sections:
            sections.append(rule["section"])
    return sections


def link(data: dict, place: dict) -> str:
    """A section's address on the published site, or its page in the guide's sources when the site names none."""
    return data["site"] + place["url"] if data["site"] else f"docs/{place['page']}#{place['anchor']}"


def main(argv: list[str] | None = None, prog: str = "valohai-preflight explain") -> int:
    parser = argparse.ArgumentParser(prog=prog, description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("log", help="the execution's log, as a file, or - to read it from standard input")
    args = parser.parse_args(argv)
    try:
        text = sys.stdin.read() if args.log == "-" else Path(args.log).read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        print(f"{prog}: can't read {args.log}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    data = load()
    sections = explain(text, data)
    if not sections:
        print("Nothing in this log matches a failure the guide explains.\n"
              f"Compare what it says with the list of symptoms: {link(data, data['table'])}")
        return 1
    if len(sections) > 1:
        print("This log shows more than one failure.\n")
    for n, name in enumerate(sections):
        section = data["sections"][name]
        print(("\n" if n else "") + f"{section['title']}\n{section['cause']}\n{link(data, section)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
