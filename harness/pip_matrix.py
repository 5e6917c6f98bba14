"""Run every scenario under every pip of the matrix, and judge each run against the recipe's table.

A scenario's expectations are the pinned pip's; under another pip they hold as
written or as its ``pips:`` range declares (``pip_table`` keeps what held). A
declaration whose pips behave like the pinned one is stale. The matrix runs
under the default execution model only. ``uv_lab`` and ``run_uv`` do the same
for the older uv of ``pip_versions.OLDER_UV`` (``python -m harness matrix-uv``).
"""

from __future__ import annotations

import dataclasses
import re
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from harness import checks, pip_images, pip_versions, runner
from harness.checks import Verdict
from harness.pip_table import MODEL, Cell, committed_cell, log_difference
from harness.recipes import Plan, Provenance

if TYPE_CHECKING:
    from harness.lab import Lab


def plan_under(plan: Plan, version: str) -> Plan:
    """``plan`` under this pip, with what its declared range changes."""
    expect = plan.scenario.expect_under_pip(MODEL, version)
    installs = {project: Provenance.parse(text) for project, text in expect.installed.items()}
    return dataclasses.replace(plan, expect=expect, installs=installs)


class PipLabs:
    """The lab, and an image per pip built the first time a scenario needs it; ``stop`` stops them."""

    def __init__(self, lab: Lab):
        self.lab = lab
        self._labs: dict[str, pip_images.PipLab] = {}
        self._unrunnable: dict[str, pip_images.Unrunnable] = {}

    def get(self, version: str):
        if version == pip_versions.PINNED:
            return self.lab
        if version in self._unrunnable:
            raise pip_images.PipImageError(str(self._unrunnable[version]))
        if version not in self._labs:
            wheel = pip_versions.wheel(version)
            folder = self.lab.workdir / "pips" / version
            site = pip_images.unpack(wheel, folder / "site-packages", self.lab.ca.pem)
            bad = pip_images.unrunnable(version, site)
            if bad is not None:
                self._unrunnable[version] = bad
                raise pip_images.PipImageError(str(bad))
            template = pip_images.template(folder / "image", self.lab.template, site)
            self._labs[version] = pip_images.PipLab(self.lab, version, template)
        return self._labs[version]

    def stop(self) -> None:
        for lab in self._labs.values():
            lab.stop()
        self._labs.clear()


@dataclass
class MatrixRun:
    version: str
    plan: Plan  # under this pip
    run: runner.ScenarioRun
    cell: Cell
    verdicts: list[Verdict]

    @property
    def passed(self) -> bool:
        return all(v.passed for v in self.verdicts)

    def report(self) -> str:
        return f"Under pip {self.version}:\n{self.run.report()}"


def run(labs: PipLabs, plan: Plan, version: str) -> MatrixRun:
    """Run ``plan`` (the default model's) under pip ``version`` and judge it, the committed table included."""
    under = plan_under(plan, version)
    done = runner.run(labs.get(version), under)
    scenario = plan.scenario
    declared = scenario.pip_range(version)
    verdicts = checks.judge(under, done.evidence)
    own = checks.judge(plan, done.evidence)
    holds = all(v.passed for v in own)
    if declared is None and not holds:
        verdicts.insert(0, Verdict(False, f"pip {version} gives what the scenario expects",
                                   f"an undeclared difference; if pip {version} is right, declare it under "
                                   f"pips: in {plan.recipe.slug}/scenarios.yaml"))
    if declared is not None:
        verdicts.append(Verdict(not holds, f"pip {version} differs as pips '{declared}' declares",
                                "" if not holds else "the scenario's own expectations hold: remove or narrow the range"))
    reference = plan.log_path.read_text() if plan.log_path.is_file() else ""
    cell = Cell(done.completed.outcome, holds, declared, log_difference(reference, done.log))
    verdicts.append(committed_cell(plan, version, cell))
    done.verdicts = verdicts  # what the report shows
    return MatrixRun(version, under, done, cell, verdicts)


# uv run as a command (uv, uvx), as a word of its own: not "uv" inside a path or a name.
_RUNS_UV = re.compile(r"(?<![\w./$-])uvx?(?![\w./-])")


def uv_plans(recipe) -> list[Plan]:
    """The recipe's scenarios under the matrix's model that run uv in an image that has it."""
    return [p for p in recipe.plans(under=(MODEL,))
            if p.expect.outcome != "rejected" and p.image.has_uv and _RUNS_UV.search(p.script)]


def uv_lab(lab: Lab, version: str, wheel: Path) -> pip_images.PipLab:
    """The lab, seen through an image with the pinned pip and the uv binaries of ``wheel`` (PyPI's ``uv`` wheel)."""
    folder = lab.workdir / "uvs" / version
    binaries = folder / "bin"
    binaries.mkdir(parents=True)
    with zipfile.ZipFile(wheel) as archive:
        for name in ("uv", "uvx"):
            (binaries / name).write_bytes(archive.read(f"uv-{version}.data/scripts/{name}"))
            (binaries / name).chmod(0o755)
    site = folder / "site-packages"  # the template's own is moved into it, so copy the pinned pip
    shutil.copytree(pip_images.site_packages_of(lab.template), site, symlinks=True)
    base = dataclasses.replace(lab.template, uv=binaries / "uv")
    image = pip_images.PipLab(lab, pip_versions.PINNED, pip_images.template(folder / "image", base, site))
    image.uv_version = version  # what the logs' first line names
    return image


@dataclass
class UvRun:
    version: str
    run: runner.ScenarioRun
    own: list[Verdict]  # the scenario's own expectations (the pinned uv's), judged on this run
    log: tuple[str, ...]  # how the log differs from the committed one (pip_table.log_difference)

    @property
    def same(self) -> bool:
        return all(v.passed for v in self.own) and not self.log

    @property
    def outcome(self) -> str:
        return self.run.completed.outcome


def run_uv(lab: pip_images.PipLab, plan: Plan) -> UvRun:
    """Run ``plan`` in ``lab`` (``uv_lab``): do its expectations hold, and does its log read as committed?"""
    done = runner.run(lab, plan)
    reference = plan.log_path.read_text() if plan.log_path.is_file() else ""
    return UvRun(lab.uv_version, done, checks.judge(plan, done.evidence), log_difference(reference, done.log))
