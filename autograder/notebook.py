"""What each cell of a course notebook is for: the one model of nbgrader's cell roles.

A code cell of a course notebook has one of four roles (its nbgrader metadata in brackets):

* ``test``: a graded test cell (``"grade": true``), locked, worth ``points``;
* ``answer``: an autograded answer cell (``"solution": true``), the student's code;
* ``setup``: a locked cell that is neither (the course's imports and helpers);
* ``demo``: a code cell without nbgrader metadata (plots, training runs, experiments),
  which the grader does not run when it is unchanged from the released notebook.

Markdown cells and code cells whose nbgrader metadata gives them none of these roles
have no role (``None``). The tests are nbgrader's own (``nbgrader.utils``); a cell whose
``nbgrader`` metadata is not a mapping (a damaged submission) counts as having none.

Solution notebooks mark the solution and the hidden tests with nbgrader's
``### BEGIN/END SOLUTION`` and ``### BEGIN/END HIDDEN TESTS`` lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
from nbformat.notebooknode import NotebookNode
from nbgrader import utils

from autograder.course import notebooks_dir, solutions_dir

TEST, ANSWER, SETUP, DEMO = "test", "answer", "setup", "demo"
SOLUTION_MARKERS = re.compile(r"^\s*### (BEGIN|END) SOLUTION\s*\n", re.MULTILINE)
HIDDEN_MARKERS = re.compile(r"^\s*### (BEGIN|END) HIDDEN TESTS\s*$", re.MULTILINE)


def nbgrader_metadata(cell: NotebookNode) -> dict[str, Any]:
    """The cell's ``nbgrader`` metadata, ``{}`` when it has none (or none that is a mapping)."""
    meta = cell.get("metadata", {}).get("nbgrader")
    return meta if isinstance(meta, dict) else {}


def role(cell: NotebookNode) -> str | None:
    """``TEST``, ``ANSWER``, ``SETUP``, ``DEMO`` or ``None`` (see the module's docstring)."""
    if cell.get("cell_type") != "code":
        return None
    if "nbgrader" not in cell.get("metadata", {}):
        return DEMO
    if not nbgrader_metadata(cell):
        return None
    if utils.is_solution(cell):
        return ANSWER
    if utils.is_grade(cell):
        return TEST
    if utils.is_locked(cell):
        return SETUP
    return None


def tracked(cell: NotebookNode) -> bool:
    """Whether nbgrader tracks the cell by its ``grade_id`` (a test, answer or locked cell,
    markdown included)."""
    if not nbgrader_metadata(cell):
        return False
    return bool(utils.is_grade(cell) or utils.is_solution(cell) or utils.is_locked(cell))


def grade_id(cell: NotebookNode) -> str | None:
    """The cell's nbgrader ``grade_id`` (``None`` for a cell nbgrader does not track)."""
    return nbgrader_metadata(cell).get("grade_id")


def points(cell: NotebookNode) -> float:
    """What a test cell is worth (0 for any other cell)."""
    return float(nbgrader_metadata(cell).get("points", 0)) if role(cell) == TEST else 0.0


def cells_of(notebook: NotebookNode, wanted: str) -> list[NotebookNode]:
    """The cells of ``notebook`` with role ``wanted``, in order."""
    return [cell for cell in notebook.cells if role(cell) == wanted]


def answer_sources(notebook: NotebookNode) -> dict[str, str]:
    """``{grade_id: source}`` of the answer cells, in order; the first of duplicated ids wins."""
    sources: dict[str, str] = {}
    for cell in cells_of(notebook, ANSWER):
        sources.setdefault(grade_id(cell), cell.source)
    return sources


def tests_by_answer(notebook: NotebookNode) -> dict[str, list[str]]:
    """``{answer grade_id: [test grade_id, ...]}``: each test cell tests the answer cell
    before it (the exercise it belongs to)."""
    tests: dict[str, list[str]] = {}
    current = None
    for cell in notebook.cells:
        if role(cell) == ANSWER:
            current = grade_id(cell)
            tests.setdefault(current, [])
        elif role(cell) == TEST and current is not None:
            tests[current].append(grade_id(cell))
    return tests


def grade_ids(notebook: NotebookNode) -> set[str]:
    """Every ``grade_id`` of the notebook's nbgrader cells, whatever their role."""
    return {
        nbgrader_metadata(cell)["grade_id"]
        for cell in notebook.cells
        if "grade_id" in nbgrader_metadata(cell)
    }


def read(path: Path) -> NotebookNode:
    """The notebook at ``path`` in nbformat 4."""
    return nbformat.read(path, as_version=4)


def read_solution(name: str) -> NotebookNode:
    """The instructor's notebook ``solutions/<name>.ipynb``."""
    return read(solutions_dir() / f"{name}.ipynb")


def read_released(name: str) -> NotebookNode:
    """The student notebook ``notebooks/<name>.ipynb`` (generated from the solution)."""
    return read(notebooks_dir() / f"{name}.ipynb")


@dataclass(frozen=True)
class NotebookInfo:
    """What the grader knows of one notebook from its solution."""

    name: str
    max_score: float
    points: dict[str, float]  # test cell grade_id -> points
    answers: list[str]  # answer cell grade_ids in order


def notebook_info(names: list[str]) -> dict[str, NotebookInfo]:
    """``{name: NotebookInfo}`` for the named solution notebooks."""
    infos = {}
    for name in names:
        solution = read_solution(name)
        tests = {grade_id(cell): points(cell) for cell in cells_of(solution, TEST)}
        answers = [grade_id(cell) for cell in cells_of(solution, ANSWER)]
        infos[name] = NotebookInfo(name, sum(tests.values()), tests, answers)
    return infos


def demo_sources(names: list[str]) -> dict[str, list[str]]:
    """``{name: [source, ...]}``: the demonstration cells of each released student notebook."""
    return {name: [cell.source for cell in cells_of(read_released(name), DEMO)] for name in names}


def solution_answers(name: str) -> dict[str, str]:
    """``{grade_id: source}`` of the solution's answer cells, without the solution markers."""
    answers = answer_sources(read_solution(name))
    return {key: SOLUTION_MARKERS.sub("", source) for key, source in answers.items()}


def with_answers(notebook: NotebookNode, answers: dict[str, str]) -> NotebookNode:
    """``notebook`` with the answer cells named in ``answers`` replaced (in place)."""
    for cell in cells_of(notebook, ANSWER):
        if grade_id(cell) in answers:
            cell.source = answers[grade_id(cell)]
    return notebook


@dataclass(frozen=True)
class Cells:
    """What the re-check runs, taken from the solution and the submission."""

    setup: list[str]
    answers: list[list[str]]  # [grade_id, source] of the student's answer cells
    tests: list[tuple[str, str]]  # (grade_id, source) of the solution's test cells
    notebook: str = ""  # file name of the submission, copied into the sandbox
    notebook_bytes: bytes = b""


def load_cells(solution: Path, submission: Path) -> Cells:
    """The solution's setup and test cells (hidden tests included, without their markers),
    and the submission's answer cells in the solution's order."""
    source, submitted = read(solution), read(submission)
    setup = [cell.source for cell in cells_of(source, SETUP)]
    tests = [
        (grade_id(cell), HIDDEN_MARKERS.sub("", cell.source)) for cell in cells_of(source, TEST)
    ]
    handed_in = answer_sources(submitted)
    answers = [
        [key, handed_in[key]]
        for key in (grade_id(cell) for cell in cells_of(source, ANSWER))
        if key in handed_in
    ]
    return Cells(setup, answers, tests, solution.name, submission.read_bytes())
