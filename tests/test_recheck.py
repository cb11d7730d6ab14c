"""The re-check's verdict on hand-made cells: a test cell that fails with a NameError says
which answer cell stopped before defining the name, and with what error."""

from __future__ import annotations

from answer_cells import one_answer, sandbox_env

from autograder.grading.recheck import run_tests
from autograder.notebook import Cells

CELLS = Cells(
    setup=["import numpy as np"],
    answers=[["half", "raise KeyError('not yet')\ndef half(x):\n    return x / 2\n"]],
    tests=[("test_half", "assert half(np.float64(4.0)) == 2.0")],
    notebook="answers.ipynb",
    notebook_bytes=b"{}",
)


def test_a_name_error_names_the_answer_cell_that_stopped():
    verdict = run_tests(CELLS, sandbox_env(), cell_timeout=20, policies={})
    assert verdict.passed == {"test_half": False}
    assert verdict.messages["test_half"] == (
        "NameError: name 'half' is not defined (answer half: KeyError: 'not yet')"
    )


def verdict_of(answer: str, tests: list[tuple[str, str]], timeout: float = 20):
    cells = one_answer("import numpy as np\nimport torch", "f", answer, tests)
    env = sandbox_env()
    return run_tests(cells, env, cell_timeout=timeout, policies={}, stop_at_trouble=True)


LEFT_ALONE = [
    ("test_array", "x = np.arange(4.0)\nf(x)\nassert (x == np.arange(4.0)).all(), 'x changed'"),
    ("test_tensor", "t = torch.zeros(3)\nf(t)\nassert not t.requires_grad, 'requires grad'"),
]


def test_what_a_function_does_to_its_arguments_reaches_the_tests():
    """The sandbox works on copies of the arguments; their changes travel back."""
    mutating = "def f(x):\n    if isinstance(x, np.ndarray):\n        x[0] = 9\n"
    mutating += "    else:\n        x.requires_grad_(True)\n    return 0\n"
    verdict = verdict_of(mutating, LEFT_ALONE)
    assert verdict.passed == {"test_array": False, "test_tensor": False}
    assert verdict.messages == {
        "test_array": "AssertionError: x changed",
        "test_tensor": "AssertionError: requires grad",
    }


def test_a_function_that_copies_its_arguments_passes():
    copying = "def f(x):\n    y = x.clone() if hasattr(x, 'clone') else x.copy()\n"
    copying += "    y[0] = 9\n    return y\n"
    verdict = verdict_of(copying, LEFT_ALONE)
    assert verdict.passed == {"test_array": True, "test_tensor": True} and verdict.complete


def test_what_cells_print_is_kept_for_the_executed_notebook():
    answer = "print('defining f')\ndef f(x):\n    return x\n"
    tests = [("test_f", "print('checking f')\nassert f(1) == 1")]
    verdict = verdict_of(answer, tests)
    assert verdict.printed == {"f": "defining f\n", "test_f": "checking f\n"}
    assert verdict.passed == {"test_f": True} and verdict.complete


def test_a_call_that_hangs_stops_the_run_and_leaves_the_verdict_incomplete():
    answer = "def f(x):\n    while True:\n        pass\n"
    tests = [("test_1", "f(1)"), ("test_2", "f(2)")]
    verdict = verdict_of(answer, tests, timeout=2)
    assert verdict.passed == {"test_1": False} and not verdict.complete
