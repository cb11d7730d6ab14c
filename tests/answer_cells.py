"""Hand-made cells for the re-check's tests: one answer cell, a few test cells, and the
environment a sandbox starts with."""

from __future__ import annotations

import functools

from autograder.grading.environment import process_scratch_root, sandbox_environment
from autograder.notebook import Cells
from autograder.settings import Settings


def sandbox_env() -> dict[str, str]:
    """The sandboxes' environment, the same for every test of a test process: a zygote
    serves one environment, so the tests share it instead of starting one each (3 s)."""
    return dict(_shared_env())


@functools.cache
def _shared_env() -> dict[str, str]:
    scratch = process_scratch_root(shared_with_sandbox_user=False)
    return sandbox_environment(Settings(out=scratch / "out"), scratch, "")


def one_answer(setup: str, grade_id: str, answer: str, tests: list[tuple[str, str]]) -> Cells:
    return Cells(
        setup=[setup],
        answers=[[grade_id, answer]],
        tests=tests,
        notebook="answers.ipynb",
        notebook_bytes=b"{}",
    )
