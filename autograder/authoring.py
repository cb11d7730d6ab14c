"""Build nbgrader-tagged notebook cells from Python, for writing solution notebooks.

The solution notebooks in ``solutions/`` are the source of truth; these
helpers only save typing the nbgrader metadata by hand when a notebook is
written or extended from a script::

    from autograder.authoring import answer, markdown, setup, tests, write_notebook

    write_notebook("solutions/01_correlation.ipynb", [
        markdown("# Correlation by hand"),
        setup("import numpy as np"),
        answer("corr2d", "def corr2d(x, w):\\n    ...  # body between solution markers"),
        tests("test_corr2d_shape", "check_shape(corr2d(x, w), (2, 2))", points=1),
    ])
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.notebooknode import NotebookNode

SCHEMA_VERSION = 3


def markdown(source: str) -> NotebookNode:
    """A plain markdown cell."""
    return nbformat.v4.new_markdown_cell(source.strip("\n"))


def code(source: str) -> NotebookNode:
    """A plain (ungraded, editable) code cell: demos, plots, experiments."""
    return nbformat.v4.new_code_cell(source.strip("\n"))


def _graded(source: str, grade_id: str, *, grade: bool, solution: bool, **extra) -> NotebookNode:
    """A code cell with nbgrader metadata; locked cells cannot be edited or deleted."""
    cell = code(source)
    locked = not solution
    cell.metadata["nbgrader"] = {
        "grade": grade,
        "solution": solution,
        "locked": locked,
        **extra,
        "grade_id": grade_id,
        "schema_version": SCHEMA_VERSION,
    }
    if locked:
        cell.metadata["deletable"] = False
        cell.metadata["editable"] = False
    return cell


def setup(source: str, grade_id: str = "setup") -> NotebookNode:
    """A locked code cell that students cannot change (imports, data)."""
    return _graded(source, grade_id, grade=False, solution=False)


def answer(grade_id: str, source: str) -> NotebookNode:
    """An autograded answer cell; ``grade_id`` is the graded function's name."""
    return _graded(source, grade_id, grade=False, solution=True)


def tests(grade_id: str, source: str, points: int) -> NotebookNode:
    """A locked test cell worth ``points``; ``grade_id`` is ``test_<function>_<property>``."""
    return _graded(source, grade_id, grade=True, solution=False, points=points)


def write_notebook(path: str | Path, cells: list[NotebookNode]) -> None:
    """Write ``cells`` as a Python 3 notebook with stable cell ids and no outputs."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
        "name": "python3",
    }
    nb.metadata["language_info"] = {"name": "python"}
    stem = Path(path).stem
    for index, cell in enumerate(cells):
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        cell["id"] = grade_id or f"{stem[:2]}-{index:03d}"
    nb.cells = cells
    nbformat.validate(nb)
    Path(path).write_text(nbformat.writes(nb) + "\n", encoding="utf-8")
