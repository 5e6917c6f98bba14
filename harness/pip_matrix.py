"""Run every scenario under every pip of the matrix, and judge each run against the recipe's table.

A scenario's expectations are the pinned pip's; under another pip they hold as
written or as its ``pips:`` range declares (``pip_table`` keeps what held). A
declaration whose pips behave like the pinned one is stale. The matrix runs
under the default execution model only.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
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
    completed = done.completed
    outcome = "timed-out" if completed.timed_out else ("success" if completed.exit_code == 0 else "failure")
    cell = Cell(outcome, holds, declared, log_difference(reference, done.log))
    verdicts.append(committed_cell(plan, version, cell))
    done.verdicts = verdicts  # what the report shows
    return MatrixRun(version, under, done, cell, verdicts)
