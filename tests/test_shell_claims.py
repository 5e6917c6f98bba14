"""Shell behaviour the guide states, seen in the shells a step may run in (``preflight.models``)."""

import subprocess

import pytest

from preflight import models

SHELLS = sorted({model.shell for model in models.MODELS})


@pytest.mark.parametrize("shell", SHELLS)
def test_export_of_a_failing_substitution_succeeds_but_an_assignment_fails(shell):
    """other-hosts.md: assign the token first, then export it; `export NAME="$(aws …)"` hides aws failing."""
    exported = subprocess.run([shell, "-c", 'set -e; export TOKEN="$(false)"; echo went on'],
                              capture_output=True, text=True, check=False)
    assigned = subprocess.run([shell, "-c", 'set -e; TOKEN="$(false)"; export TOKEN; echo went on'],
                              capture_output=True, text=True, check=False)
    assert (exported.returncode, exported.stdout) == (0, "went on\n")
    assert (assigned.returncode, assigned.stdout) == (1, "")
