"""The re-check's verdict on hand-made cells: a test cell that fails with a NameError says
which answer cell stopped before defining the name, and with what error."""

from __future__ import annotations

from pathlib import Path

from autograder.grading.environment import sandbox_environment
from autograder.grading.recheck import run_tests
from autograder.notebook import Cells
from autograder.settings import Settings

CELLS = Cells(
    setup=["import numpy as np"],
    answers=[["half", "raise KeyError('not yet')\ndef half(x):\n    return x / 2\n"]],
    tests=[("test_half", "assert half(np.float64(4.0)) == 2.0")],
    notebook="answers.ipynb",
    notebook_bytes=b"{}",
)


def test_a_name_error_names_the_answer_cell_that_stopped(tmp_path: Path):
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    env = sandbox_environment(Settings(out=tmp_path / "out"), scratch, "")
    verdict = run_tests(CELLS, env, cell_timeout=20, policies={})
    assert verdict.passed == {"test_half": False}
    assert verdict.messages["test_half"] == (
        "NameError: name 'half' is not defined (answer half: KeyError: 'not yet')"
    )
