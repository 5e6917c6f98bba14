"""valohai-preflight: lint a repository's valohai.yaml before Valohai runs it, without starting anything.

    valohai-preflight                      # ./valohai.yaml
    valohai-preflight path/to/repo --format github
    valohai-preflight lint valohai.yaml    # the same: lint is the default command
    valohai-preflight explain execution.log  # the section of the guide that explains a failed execution's log

Exit status: 0 when nothing at or above --fail-on (default: error) is found,
1 when something is, 2 when the command itself can't run (a missing file, an
unknown rule). Installed as a console script and as a pre-commit hook; in the
guide's own repository also ``python -m harness lint``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from preflight.options import SHELLCHECK_LEVELS, STRICT, Options
from preflight.report import FORMATS, render
from preflight.rules import RULES, Severity

_NAMES = ("valohai.yaml", "valohai.yml")
_SEVERITIES = [str(s) for s in sorted(Severity, reverse=True)]


class UsageError(Exception):
    pass


def main(argv: list[str] | None = None, prog: str = "valohai-preflight") -> int:
    """Run the command named first (``lint`` when the first word names none) with the rest of ``argv``."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] and argv[0] in COMMANDS:
        return COMMANDS[argv[0]](argv[1:], f"{prog} {argv[0]}")
    return lint(argv, prog)


def lint(argv: list[str], prog: str) -> int:
    """Lint files or folders and print the findings; the rules and valohai-yaml load only here, not for --help."""
    args = _parser(prog).parse_args(argv)
    try:
        files = [_file(path) for path in args.paths or [Path(".")]]
        enable, disable = _rules(args.enable), _rules(args.disable)
    except UsageError as exc:
        print(f"{prog}: {exc}", file=sys.stderr)
        return 2
    if args.strict:
        shown, fail_on, options = Severity.INFO, Severity.INFO, STRICT
    else:
        shown, fail_on = Severity.named(args.severity), Severity.named(args.fail_on)
        options = Options(severity=min(shown, fail_on), shellcheck=args.shellcheck_severity)
    options = Options(options.severity, options.shellcheck, enable, disable)
    from preflight.lint import lint_file
    from preflight.shell import ShellcheckMissing
    try:
        findings = [f for path in files for f in lint_file(path, options)]
    except ShellcheckMissing as exc:
        print(f"{prog}: {exc}", file=sys.stderr)
        return 2
    print(render([f for f in findings if f.severity >= shown], len(files), args.format))
    return 1 if any(f.severity >= fail_on for f in findings) else 0


def explain(argv: list[str], prog: str) -> int:
    """Send a failed execution's log to the guide's section about it; its rules load only here."""
    from preflight import explain as explaining

    return explaining.main(argv, prog=prog)


# The commands by name; a first word that names none is a path for the default command, lint.
COMMANDS: dict[str, Callable[[list[str], str], int]] = {"lint": lint, "explain": explain}


def _parser(prog: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog, description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="rules (severity, what they find):\n" + "\n".join(
            f"  {rule.name:29} {rule.severity!s:8} {rule.summary}" for rule in RULES.values())
        + "\n\nSilence one finding with a comment on its line or the line above: # preflight: ignore[rule]",
    )
    parser.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                        help="valohai.yaml files, or folders holding one (default: .)")
    parser.add_argument("--format", choices=FORMATS, default="text",
                        help="text (default), json, or github (GitHub Actions annotations)")
    parser.add_argument("--severity", choices=_SEVERITIES, default="warning",
                        help="the least severe finding shown (default: warning)")
    parser.add_argument("--fail-on", choices=_SEVERITIES, default="error",
                        help="the least severe finding that makes the exit status 1 (default: error)")
    parser.add_argument("--strict", action="store_true",
                        help="what this guide's own recipes pass: every finding, down to info and shellcheck's "
                             "style notes, is shown and fails")
    parser.add_argument("--shellcheck-severity", choices=SHELLCHECK_LEVELS, default="error",
                        help="the least severe shellcheck comment asked for (default: error)")
    parser.add_argument("--enable", action="append", default=[], metavar="RULE",
                        help="check only these rules (repeatable, or comma-separated)")
    parser.add_argument("--disable", action="append", default=[], metavar="RULE",
                        help="don't check these rules (repeatable, or comma-separated)")
    return parser


def _file(path: Path) -> Path:
    if path.is_dir():
        found = [path / name for name in _NAMES if (path / name).is_file()]
        if not found:
            raise UsageError(f"{path} has no valohai.yaml")
        return found[0]
    if not path.exists():
        raise UsageError(f"{path}: no such file")
    return path


def _rules(values: list[str]) -> frozenset[str]:
    names = frozenset(name.strip() for value in values for name in value.split(",") if name.strip())
    for name in sorted(names - set(RULES)):
        import difflib  # only for a misspelt rule

        close = difflib.get_close_matches(name, list(RULES), n=1)
        raise UsageError(f"unknown rule '{name}'" + (f" (did you mean '{close[0]}'?)" if close else "")
                         + "; --help lists the rules")
    return names
