"""When the trusted re-check alone decides a grade (``autograder.grading.direct``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from answer_cells import one_answer, sandbox_env

from autograder.grading.direct import Trusted, decides, kernel_needed
from autograder.grading.recheck import Verdict
from autograder.notebook import Cells
from autograder.settings import Settings

SETTINGS = Settings(out=Path("out"))
PASSED = {"test_a": True, "test_b": True}
ONE_FAILED = {"test_a": True, "test_b": False}


@pytest.mark.parametrize(
    ("verdict", "full_marks_only", "expected"),
    [
        (Verdict(PASSED, {}), False, ""),
        (Verdict(ONE_FAILED, {}), True, ""),  # the audit: not full marks is all it asks
        (Verdict(PASSED, {}, complete=False), False, "the re-check could not run every cell"),
        (
            Verdict(ONE_FAILED, {}, answer_errors={"a": "NameError: name 'get_ipython' is not"}),
            False,
            "an answer cell raised NameError: name 'get_ipython' is not",
        ),
    ],
)
def test_what_the_verdict_leaves_to_the_kernel_run(verdict, full_marks_only, expected):
    settings = Settings(out=Path("out"), recheck_only_full_marks=full_marks_only)
    cells = Cells(setup=[], answers=[], tests=[])  # not run: no comparison is needed
    assert kernel_needed(cells, verdict, {}, settings) == expected


def test_a_verdict_past_the_notebooks_budget_does_not_decide():
    assert decides(Trusted(Verdict(PASSED, {}), 10), SETTINGS)
    assert not decides(Trusted(Verdict(PASSED, {}), SETTINGS.notebook_timeout + 1), SETTINGS)
    assert not decides(Trusted(Verdict(PASSED, {}), 10, "a reason"), SETTINGS)


def comparison(tmp_path: Path, answer: str, verdict: Verdict | None = None) -> str:
    """What ``kernel_needed`` says of an answer whose test the trusted run failed (or of
    ``verdict``)."""
    env = sandbox_env()
    tests = [
        ("test_type", "assert callable(double)"),
        ("test_value", "np.testing.assert_allclose(double(np.ones(2)), [2, 2])"),
    ]
    cells = one_answer("import numpy as np", "double", answer, tests)
    verdict = verdict or Verdict({"test_type": True, "test_value": False}, {})
    return kernel_needed(cells, verdict, env, Settings(out=tmp_path / "out", cell_timeout=20))


def test_an_honest_failure_fails_again_among_the_answers_and_is_decided(tmp_path: Path):
    assert comparison(tmp_path, "def double(x):\n    return x * 3\n") == ""


def test_a_rigged_test_passes_among_the_answers_and_goes_to_the_kernel_run(tmp_path: Path):
    rigged = "np.testing.assert_allclose = lambda *a, **k: None\n"
    rigged += "def double(x):\n    return x * 3\n"
    assert comparison(tmp_path, rigged) == "test_value passes among the answers"


@pytest.mark.parametrize(("factor", "passed"), [(2, True), (3, False)])
def test_a_cell_the_re_check_cannot_judge_is_judged_among_the_answers(tmp_path, factor, passed):
    verdict = Verdict({"test_type": True, "test_value": None}, {"test_value": "why"})
    answer = f"def double(x):\n    return x * {factor}\n"
    assert comparison(tmp_path, answer, verdict) == ""
    assert verdict.passed["test_value"] is passed
    assert (verdict.unjudged["test_value"] is None) is passed


def test_a_rigged_comparison_leaves_the_cells_it_could_not_judge_to_the_kernel_run(tmp_path):
    """Outcomes from the student's process never reach the verdict nbgrader's result meets."""
    verdict = Verdict({"test_type": None, "test_value": False}, {"test_type": "why"})
    rigged = "np.testing.assert_allclose = lambda *a, **k: None\n"
    rigged += "def double(x):\n    return x * 3\n"
    assert comparison(tmp_path, rigged, verdict) == "test_value passes among the answers"
    assert verdict.passed == {"test_type": None, "test_value": False}
    assert verdict.unjudged == {}
