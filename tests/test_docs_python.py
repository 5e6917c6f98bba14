"""Every Python block in the pages runs, and prints what its ``#>`` comments say.

pytest-examples refreshes the comments with ``pytest tests/test_docs_python.py --update-examples``.
"""

import pytest
from pytest_examples import CodeExample, EvalExample, _examples_to_update, eval_example, find_examples  # noqa: F401  fixtures; the plugin isn't loaded

from tests.conftest import ROOT

EXAMPLES = list(find_examples(str(ROOT / "docs")))


def test_the_pages_have_python_blocks():
    assert EXAMPLES, "no Python block found under docs/: the collection below would check nothing"


@pytest.mark.parametrize("example", EXAMPLES, ids=str)
def test_python_block(example: CodeExample, eval_example: EvalExample):
    if eval_example.update_examples:
        eval_example.run_print_update(example)
    else:
        eval_example.run_print_check(example)
