"""Faults in the harness's own world: dead or unstartable indexes, hangs, load."""

import socket
import threading
from collections import Counter

import pytest

from harness import recipes, runner
from harness.errors import IndexHostError
from harness.indexes import IndexHost
from harness.lab import Lab
from harness.tls import SessionCA
from tests.conftest import EXAMPLES


@pytest.fixture
def own_lab():
    """A lab of this test's own, so stopping its hosts can't disturb other tests."""
    with Lab() as lab:
        yield lab


def test_a_dead_index_is_named_instead_of_blamed_on_the_recipe(own_lab):
    recipe = recipes.load(EXAMPLES / "use-in-executions")
    next(h for h in own_lab.hosts if h.name == "artifactory").stop()
    with pytest.raises(IndexHostError, match=r"index host artifactory \(https://acme.jfrog.io\) stopped answering"):
        runner.run(own_lab, recipe.plan("virtual-repository"))


def test_a_taken_port_is_named(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        certificate = SessionCA().issue(tmp_path, "artifactory", "artifactory.acme.internal")
        host = IndexHost("artifactory", "https://acme.jfrog.io", [], certificate, port=port)
        with pytest.raises(IndexHostError, match=rf"artifactory \(https://acme.jfrog.io\): port 127.0.0.1:{port} is already in use"):
            host.start()


def test_pytest_stops_at_the_first_dead_index_with_its_name(recipe_pytest):
    pytester = recipe_pytest("use-in-executions", "mix-private-and-public", conftest=(
        "\ndef pytest_runtest_teardown(item):\n"
        "    from harness.pytest_plugin import session_lab\n"
        '    next(h for h in session_lab().hosts if h.name == "artifactory").stop()\n'))
    result = pytester.runpytest_subprocess("-n", "0", "examples")
    assert result.ret == pytest.ExitCode.INTERRUPTED, result.stdout.str()  # the run stopped there
    result.assert_outcomes(failed=1, passed=2)  # the lint and the table's shape need no index
    out = result.stdout.str()
    assert "index host artifactory (https://acme.jfrog.io) stopped answering during the session" in out
    assert "Traceback" not in out


def test_the_private_index_serves_parallel_executions_without_a_failed_request(lab):
    own_lab = lab  # tests in a worker run one at a time: what the lab serves meanwhile is this test's
    """Four executions at once, each resolving private and public packages through the virtual repository."""
    recipe = recipes.load(EXAMPLES / "mix-private-and-public")
    prepared = [runner.prepare(own_lab, recipe.plan("virtual-repository")) for _ in range(4)]
    before = own_lab.statuses()
    results = [None] * len(prepared)

    def execute(i):
        results[i] = prepared[i].execute()

    threads = [threading.Thread(target=execute, args=(i,)) for i in range(len(prepared))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    served: Counter = own_lab.statuses() - before
    assert [r.exit_code for r in results] == [0] * len(prepared), [r.output for r in results if r.exit_code]
    assert set(served) == {200}, f"statuses answered: {dict(served)}"
    assert sum(served.values()) >= 4 * 14  # each run: 7 project pages and 7 wheels
    print(f"served {sum(served.values())} requests to 4 parallel executions, none failed")
