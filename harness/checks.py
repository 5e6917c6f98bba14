"""Judge a finished execution against its scenario's expectations.

Besides what the scenario asks, two checks run for every execution: no secret
the harness handed out shows up in the log or in a file left in the repository,
and nothing tried to reach an address outside 127.0.0.1.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from harness.credentials import Secrets
from harness.execution import Completed
from harness.logs import ordered_lines, split_header
from harness.recipes import PLACES, Plan
from preflight import models

_MARKER = re.compile(r'^BUILT_BY_INDEX = "(?P<index>[^"]*)"', re.MULTILINE)


@dataclass(frozen=True)
class Verdict:
    passed: bool
    expectation: str
    detail: str = ""

    def __str__(self) -> str:
        mark = "PASS" if self.passed else "FAIL"
        return f"{mark}  {self.expectation}" + (f" — {self.detail}" if self.detail else "")


@dataclass(frozen=True)
class InstalledDist:
    version: str
    built_by: str  # the package set that built the stub, or "not a stub"


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def installed(*site_packages: Path) -> dict[str, InstalledDist]:
    """Distributions in ``site_packages`` (the first that has a name wins), with the package set each stub says
    built it."""
    found = {}
    for dist in reversed(list(metadata.distributions(path=[str(p) for p in site_packages]))):
        built_by = "not a stub"
        for file in dist.files or ():
            if file.name == "__init__.py" and not file.parts[0].endswith(".dist-info"):  # keyrings/gauth/ too
                match = _MARKER.search(Path(dist.locate_file(file)).read_text(errors="replace"))
                if match:
                    built_by = match["index"]
                break
        found[canonical(dist.metadata["Name"])] = InstalledDist(dist.version, built_by)
    return found


def leaks(text: str, secrets: Secrets) -> list[str]:
    """Where any form of any secret, or a run of it, appears in ``text``; described without the secret."""
    exposed = secrets.exposed_in(text)
    if not exposed:
        return []
    return [
        f"the {form} of '{secret.label}' on line {number}"
        for number, line in enumerate(text.splitlines(), 1)
        for secret, form, piece in exposed
        if piece in line
    ]


@dataclass(frozen=True)
class ImageEvidence:
    """What a scenario's build gave (``builds.Built.evidence``): whether it built, and what the image holds."""

    built: bool
    history: list[str]  # as logs show it: secrets masked
    env: frozenset[str]  # the variables its configuration sets
    files: dict[str, bool]  # each path the scenario asks about: whether the image has it
    leaks: dict[str, list[str]]  # place (recipes.Place) -> where a secret is


@dataclass(frozen=True)
class Evidence:
    """Everything a finished execution left behind, gathered once for ``judge``."""

    completed: Completed | None  # None: Valohai refused to create the execution
    rejection: str | None
    log: str  # as the guide shows it: secrets masked, addresses and paths made real
    installed: dict[str, InstalledDist]
    answered: Counter[int]  # HTTP statuses the local indexes answered during the run
    leaks: list[str]  # where a secret showed, in the raw output or in a file left in the repository
    outside_attempts: list[str]
    files: dict[str, bool] = field(default_factory=dict)  # each path the scenario asks about: whether it is there
    image: ImageEvidence | None = None  # where the scenario built the image: what it holds
    given: dict[str, list[str]] = field(default_factory=dict)  # pipeline node -> where its execution got a secret


def find_leaks(output: str, repository: Path | None, secrets: Secrets) -> list[str]:
    found = leaks(output, secrets)
    if repository is not None:
        found += [
            f"{where} in {file.relative_to(repository)}"
            for file in sorted(repository.rglob("*")) if file.is_file()
            for where in leaks(file.read_text(errors="replace"), secrets)
        ]
    return found


def secrets_given(environment: dict[str, str], inputs: Path, secrets: Secrets) -> list[str]:
    """Where an execution got a secret: a variable's value, or a file of its inputs (wheels included: stored, not
    compressed, their text is readable)."""
    found = [f"{where.split(' on line')[0]} in variable {name}" for name, value in environment.items()
             for where in leaks(value, secrets)]
    found += [f"{where.split(' on line')[0]} in input {file.relative_to(inputs)}"
              for file in sorted(inputs.rglob("*")) if file.is_file()
              for where in leaks(file.read_bytes().decode("utf-8", errors="replace"), secrets)]
    return found


def judge(plan: Plan, evidence: Evidence) -> list[Verdict]:
    expect = plan.expect
    if expect.outcome == "rejected" or evidence.completed is None:
        return [_rejection(expect.outcome, expect.rejected_because, evidence.rejection)]
    verdicts = [_outcome(expect.outcome, evidence.completed)]
    for project, want in plan.installs.items():
        got = evidence.installed.get(canonical(project))
        text = f"installs {project} {want}"
        if got is None:
            verdicts.append(Verdict(False, text, "not installed"))
        else:
            ok = (got.version, got.built_by) == (want.version, want.package_set)
            verdicts.append(Verdict(ok, text, "" if ok else f"got {got.version} from {got.built_by}"))
    for project in expect.not_installed:
        got = evidence.installed.get(canonical(project))
        verdicts.append(Verdict(got is None, f"does not install {project}",
                                "" if got is None else f"{got.version} from {got.built_by} is installed"))
    lines = [line.rstrip() for line in evidence.log.splitlines()]
    for text in expect.log:
        found = _consecutive(lines, [part.rstrip() for part in text.splitlines()])
        verdicts.append(Verdict(found, f'log shows the line "{text}"', "" if found else _missing(plan, text, lines)))
    for text in expect.log_contains:
        found = any(text in line for line in lines) or text in evidence.log
        verdicts.append(Verdict(found, f'log shows "{text}"', "" if found else _missing(plan, text, lines)))
    for text in expect.not_in_log:
        at = [n for n, line in enumerate(lines, 1) if text in line]
        verdicts.append(Verdict(not at, f'log does not show "{text}"', f"line {at[0]} shows it" if at else ""))
    for path, state in expect.files.items():
        there = evidence.files.get(path, False)
        verdicts.append(Verdict(there == (state == "present"), f"{path} is {'left' if state == 'present' else 'not left'}"
                                f" in the image", "" if there == (state == "present") else
                                ("it is there" if there else "it is not there")))
    answered = evidence.answered
    for status in expect.index_answered:
        verdicts.append(Verdict(answered[status] > 0, f"an index answered HTTP {status}",
                                "" if answered[status] else "answered " + format_statuses(answered)))
    for node in expect.secret_free:
        given = evidence.given.get(node)
        verdicts.append(Verdict(given == [], f"node {node}'s execution gets no secret (variables, inputs)",
                                "it didn't run" if given is None else "; ".join(given[:5])))
    found = evidence.leaks
    if expect.secret_leaks:
        verdicts.append(Verdict(bool(found), "the log shows (part of) a secret, as this scenario demonstrates",
                                "" if found else "no secret found"))
    else:
        verdicts.append(Verdict(not found, "no secret in the log or in the repository", "; ".join(found[:5])))
    if evidence.image is not None:
        verdicts += _image(expect, evidence.image)
    attempts = evidence.outside_attempts
    verdicts.append(Verdict(not attempts, "nothing tried to leave 127.0.0.1 but for the public hosts",
                            "tried " + ", ".join(sorted(set(attempts))) if attempts else ""))
    return verdicts


def _image(expect, image: ImageEvidence) -> list[Verdict]:
    """What the built image holds: secrets only where the scenario shows them on purpose, its history's entries, its
    variables and its files."""
    want = expect.image
    if not image.built:
        return [Verdict(False, "the image is built", "the build failed")] if want else []
    secret_in = want.secret_in if want else []
    verdicts = []
    for place in PLACES:
        found = image.leaks.get(place, [])
        if place in secret_in:
            verdicts.append(Verdict(bool(found), f"the image's {place} hold a secret, as this scenario shows",
                                    "; ".join(found[:2]) if found else "no secret there"))
        else:
            verdicts.append(Verdict(not found, f"no secret in the image's {place}", "; ".join(found[:3])))
    if want is None:
        return verdicts
    for text in want.history:
        found = any(text in entry for entry in image.history)
        close = difflib.get_close_matches(text, image.history, n=1, cutoff=0.5)
        verdicts.append(Verdict(found, f"the image's history shows {text!r}", "" if found else
                                "no entry does" + (f"; the closest is {close[0]!r}" if close else "")))
    for text in want.not_in_history:
        at = [n for n, entry in enumerate(image.history, 1) if text in entry]
        verdicts.append(Verdict(not at, f"the image's history does not show {text!r}",
                                f"entry {at[0]} shows it" if at else ""))
    for name, state in want.env.items():
        ok = (name in image.env) == (state == "set")
        verdicts.append(Verdict(ok, f"the image {'sets' if state == 'set' else 'does not set'} {name}",
                                "" if ok else ("it does" if name in image.env else "it doesn't")))
    for path, state in want.files.items():
        there = image.files.get(path, False)
        ok = there == (state == "present")
        verdicts.append(Verdict(ok, f"the image {'holds' if state == 'present' else 'does not hold'} {path}",
                                "" if ok else ("it does" if there else "it doesn't")))
    return verdicts


def committed_log(plan: Plan, log: str) -> Verdict:
    """The log the guide shows must still be what the harness produces (version-stable lines)."""
    path, refresh = plan.log_path, plan.recipe.refresh_command
    expectation = f"the guide's copy {path.parent.parent.name}/logs/{path.name} is current"
    if not path.is_file():
        return Verdict(False, expectation, f"it is missing; create it with: {refresh}")
    header, body = split_header(path.read_text())
    ran_as, source = header.split(" · ")[0], (plan.model if plan.has_own_log else models.DEFAULT).name
    if ran_as != source:  # the page that shows every log says which model produced it
        return Verdict(False, expectation, f"it came from the {ran_as or 'unnamed'} model, not {source}; "
                                           f"refresh with: {refresh}")
    want, got = ordered_lines(body), ordered_lines(split_header(log)[1])
    if want == got:
        return Verdict(True, expectation)
    at = next((i for i, (a, b) in enumerate(zip(want, got)) if a != b), min(len(want), len(got)))
    committed = want[at] if at < len(want) else "(end of log)"
    fresh = got[at] if at < len(got) else "(end of log)"
    return Verdict(False, expectation, f"stable line {at + 1} was {committed!r}, now {fresh!r}; refresh with: {refresh}")


def _consecutive(lines: list[str], wanted: list[str]) -> bool:
    """Whether ``wanted`` are whole lines of ``lines``, one after the other."""
    return any(lines[i:i + len(wanted)] == wanted for i in range(len(lines) - len(wanted) + 1))


def _missing(plan: Plan, text: str, lines: list[str]) -> str:
    """Where the expectation is written, and the log's line closest to it."""
    source = plan.recipe.source
    at = next((n for n, line in enumerate(source.text.splitlines(), 1) if text.splitlines()[0] in line), None)
    where = f"{source.path.name} line {at}" if at else source.path.name
    close = difflib.get_close_matches(text.splitlines()[0], lines, n=1, cutoff=0.5)
    return f"not in the log ({where}); " + (f"the closest line is {close[0]!r}" if close else "no line is close")


def format_statuses(answered: Counter[int]) -> str:
    """``200 ×12, 401 ×1``: HTTP statuses the local indexes answered, and how often."""
    return ", ".join(f"{status} ×{n}" for status, n in sorted(answered.items())) or "nothing"


def _rejection(wanted: str, reason: str | None, rejection: str | None) -> Verdict:
    if wanted != "rejected":
        return Verdict(False, "Valohai creates the execution", f"it refuses: {rejection}")
    if rejection is None:
        return Verdict(False, f'Valohai refuses the execution because "{reason}"', "it would create it")
    ok = reason in rejection
    return Verdict(ok, f'Valohai refuses the execution because "{reason}"', "" if ok else f"it says: {rejection}")


def _outcome(wanted: str, completed: Completed) -> Verdict:
    if completed.timed_out:
        happened = f"stopped at its time limit of {completed.time_limit:g} s"
    else:
        happened = f"exit code {completed.exit_code} after {completed.seconds:.1f} s"
    words = {"success": "succeeds", "failure": "fails", "timed-out": "is stopped at its time limit"}
    return Verdict(completed.outcome == wanted, words[wanted], happened)
