"""Hand-made cells for the re-check's tests: one answer cell, a few test cells, and the
environment a sandbox starts with."""

from __future__ import annotations

from pathlib import Path

from autograder.grading.environment import sandbox_environment
from autograder.notebook import Cells
from autograder.settings import Settings


def sandbox_env(tmp_path: Path) -> dict[str, str]:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    return sandbox_environment(Settings(out=tmp_path / "out"), scratch, "")


def one_answer(setup: str, grade_id: str, answer: str, tests: list[tuple[str, str]]) -> Cells:
    return Cells(
        setup=[setup],
        answers=[[grade_id, answer]],
        tests=tests,
        notebook="answers.ipynb",
        notebook_bytes=b"{}",
    )
