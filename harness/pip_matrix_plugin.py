"""``pytest --pip-matrix``: every scenario under every pip of the matrix, instead of the default suite.

``--pip-matrix`` is a flag: it takes no value, so ``pytest --pip-matrix
examples/<slug>`` runs one recipe's matrix. ``--pips=24.0,25.2`` runs those pips
only (and implies ``--pip-matrix``; CI runs one per job). Test ids read
``examples/<slug>/scenarios.yaml::<scenario>[pip-<version>]``; each recipe also
gets ``pip-matrix-table``, which checks that its table covers the matrix (the
default suite checks that too, in ``tests/test_pip_matrix.py``). The items of
one recipe under one pip form an xdist group, not those of one pip: a job that
runs one pip spreads its recipes over every worker, and each process builds a
pip's image the first time one of its items needs it (``pytest_plugin`` makes
xdist 3.8's groups work under pytest 9). ``--pip-matrix-results DIR`` writes each process's cells there, for
``python -m harness matrix-gather``.

A pip that can't run on this machine's Python is reported as a skip, and the
terminal summary says why for each such pip; in CI (``CI`` set), where the table
must be checked in full, it fails instead.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from harness import pip_images, pip_matrix, pip_table, pip_versions, recipes
from harness.pytest_plugin import Failed, session_lab

_labs: pip_matrix.PipLabs | None = None
_cells: dict[str, dict[str, dict[str, dict]]] = {}  # slug -> scenario -> pip -> cell, this process's
_unrunnable: dict[str, tuple[str, int]] = {}  # pip -> (why it can't run here, items it held back), all processes'
UNRUNNABLE = "pip-matrix-unrunnable"  # the user property a matrix item reports the reason by


def pytest_addoption(parser):
    group = parser.getgroup("pip matrix")
    # A flag, not an option with an optional value: "--pip-matrix examples/<slug>" must not take the path as pips.
    group.addoption("--pip-matrix", action="store_const", const="all", default=None,
                    help="run every scenario under every pip of the matrix instead of the default suite")
    group.addoption("--pips", default=None, metavar="VERSIONS",
                    help="with the pip matrix, only these pips, comma-separated (e.g. --pips=20.2.4,24.0); "
                         "implies --pip-matrix")
    group.addoption("--pip-matrix-results", type=Path, default=None, metavar="DIR",
                    help="write the matrix's results to DIR, for python -m harness matrix-gather")


def pytest_configure(config):
    if config.getoption("pips", None) is not None:
        config.option.pip_matrix = "all"  # pytest_plugin collects the matrix's items when this is set
    selected(config)  # an unknown pip is a usage error before anything is collected


def selected(config) -> tuple[str, ...] | None:
    """The pips ``--pip-matrix`` (and ``--pips``) ask for, or None without it."""
    if config.getoption("pip_matrix", None) is None:
        return None
    value = config.getoption("pips", None)
    if value is None:
        return pip_versions.MATRIX
    versions = tuple(v.strip() for v in value.split(",") if v.strip())
    unknown = [v for v in versions if v not in pip_versions.MATRIX]
    if unknown or not versions:
        raise pytest.UsageError(f"--pips: {', '.join(unknown) or 'no pip given'}: not in the matrix "
                                f"({', '.join(pip_versions.MATRIX)}; harness/pip_versions.py)")
    return versions


def items(parent: pytest.File, recipe: recipes.Recipe):
    """The recipe's matrix items (``pytest_plugin.RecipeFile`` yields these under ``--pip-matrix``)."""
    yield TableItem.from_parent(parent, name="pip-matrix-table", recipe=recipe)
    for version in selected(parent.config):
        for plan in pip_table.matrix_plans(recipe):
            item = MatrixItem.from_parent(parent, name=f"{plan.name}[pip-{version}]", plan=plan, version=version)
            item.add_marker(pytest.mark.xdist_group(f"pip-{version}-{recipe.slug}"))
            yield item


def pytest_collection_modifyitems(config, items):
    if selected(config) is None:
        return
    other = [i for i in items if not isinstance(i, (MatrixItem, TableItem))]
    if other:
        config.hook.pytest_deselected(items=other)
        items[:] = [i for i in items if isinstance(i, (MatrixItem, TableItem))]


@pytest.hookimpl(tryfirst=True)  # before the harness plugin stops the lab these images share
def pytest_sessionfinish(session):
    global _labs
    if _labs is not None:
        _labs.stop()
        _labs = None
    folder = session.config.getoption("pip_matrix_results", None)
    if folder is not None and _cells:
        folder.mkdir(parents=True, exist_ok=True)
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        pips = "_".join(selected(session.config))  # CI's jobs put their files in one folder: names must differ
        (folder / f"pip-{pips}-{worker}.json").write_text(json.dumps(_cells, indent=1) + "\n")


def pytest_runtest_logreport(report):
    """Runs in the process that reports (xdist's controller too): gather why pips could not run."""
    if report.when != "call":
        return
    for name, value in report.user_properties:
        if name == UNRUNNABLE:
            version, reason = value
            _unrunnable[version] = (reason, _unrunnable.get(version, (reason, 0))[1] + 1)


def pytest_terminal_summary(terminalreporter, config):
    """pytest shows skip reasons only with -rs: say here, for each pip that could not run, why."""
    if not _unrunnable:
        return
    failing = bool(os.environ.get("CI"))
    markup = {"red": True} if failing else {"yellow": True}
    terminalreporter.section("pips of the matrix that cannot run here", sep="=", **markup)
    for version in sorted(_unrunnable, key=list(pip_versions.MATRIX).index):
        reason, held = _unrunnable[version]
        terminalreporter.write_line(f"{reason} ({held} item(s) {'failed' if failing else 'skipped'})", **markup)
    terminalreporter.write_line("Their cells are not checked: run the matrix on a Python that every pip of "
                                "harness/pip_versions.py supports" + (" (CI must run the whole matrix)." if failing
                                                                       else "; in CI (CI set) they fail."))


def _pip_labs() -> pip_matrix.PipLabs:
    global _labs
    if _labs is None:
        _labs = pip_matrix.PipLabs(session_lab())
    return _labs


class MatrixItem(pytest.Item):
    def __init__(self, *, plan: recipes.Plan, version: str, **kwargs):
        super().__init__(**kwargs)
        self.plan = plan
        self.version = version

    def runtest(self):
        try:
            labs = _pip_labs()
            labs.get(self.version)
        except FileNotFoundError as exc:  # the wheel: README's set-up fetches it
            raise Failed(str(exc)) from None
        except pip_images.PipImageError as exc:
            self.user_properties.append((UNRUNNABLE, [self.version, str(exc)]))  # for the summary, from any worker
            if os.environ.get("CI"):
                raise Failed(f"{exc}; CI must run the whole matrix") from None
            pytest.skip(str(exc))
        done = pip_matrix.run(labs, self.plan, self.version)
        _cells.setdefault(self.plan.recipe.slug, {}).setdefault(self.plan.name, {})[self.version] = done.cell.to_json()
        if not done.passed:
            first = next(v for v in done.verdicts if not v.passed)
            raise Failed(f"{first}\n{done.report()}")

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, Failed):
            return excinfo.value.text
        return super().repr_failure(excinfo)

    def reportinfo(self):
        line = self.plan.recipe.source.line("scenarios", self.plan.name)
        return self.path, (line or 1) - 1, self.nodeid


class TableItem(pytest.Item):
    """The recipe's committed table covers its scenarios and the matrix's pips."""

    def __init__(self, *, recipe: recipes.Recipe, **kwargs):
        super().__init__(**kwargs)
        self.recipe = recipe

    def runtest(self):
        verdict = pip_table.table_verdict(self.recipe)
        if not verdict.passed:
            raise Failed(str(verdict))

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, Failed):
            return excinfo.value.text
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, None, self.nodeid
