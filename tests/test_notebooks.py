"""Notebooks are code: they execute, carry no outputs, follow the nbgrader conventions,
and the student versions are exactly what nbgrader generates from the solutions."""

from __future__ import annotations

import os
import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from autograder.course import NOTEBOOKS, available_notebooks, notebooks_dir, solutions_dir
from autograder.release import drifted
from tests.full_size_cifar import CIFAR_NOTEBOOKS

SOLVED = available_notebooks()
#: Every solution runs top to bottom in CI, in JupyterLab (``make test-browser``): those
#: that load CIFAR-10 on full-size data, as students run them, the rest in fast mode. The
#: rest also run here, headless (``make test``).
RUN_HERE = [name for name in SOLVED if name not in CIFAR_NOTEBOOKS]


def _cells(path: Path):
    return nbformat.read(path, as_version=4).cells


def _nbgrader(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


def test_the_first_notebook_exists():
    assert SOLVED and SOLVED[0] == NOTEBOOKS[0]


@pytest.mark.parametrize("name", RUN_HERE)
def test_solution_executes_top_to_bottom_without_errors(name, tmp_path, cifar_dir):
    notebook = nbformat.read(solutions_dir() / f"{name}.ipynb", as_version=4)
    os.environ.setdefault("IN5400_FAST", "1")
    # pytest runs notebooks side by side: one thread each for torch and for numpy's BLAS
    # (spinning BLAS threads on a busy 2-core machine can slow a kernel many times over).
    for variable in ("IN5400_THREADS", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ.setdefault(variable, "1")
    client = NotebookClient(
        notebook,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    )
    client.execute()  # raises CellExecutionError on the first failing cell
    errors = [o for c in notebook.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors


def test_student_notebooks_are_what_nbgrader_generates():
    stale = drifted()
    assert not stale, f"run `make release`: {stale} differ from the generated versions"


@pytest.mark.parametrize("folder", ["solutions", "notebooks"])
def test_committed_notebooks_carry_no_outputs(folder):
    for path in sorted((solutions_dir().parent / folder).glob("*.ipynb")):
        for cell in _cells(path):
            if cell.cell_type == "code":
                assert not cell.outputs and cell.execution_count is None, (
                    f"{path.name}: strip outputs"
                )


@pytest.mark.parametrize("name", SOLVED)
def test_answer_cells_are_followed_by_their_test_cells(name):
    cells = [c for c in _cells(solutions_dir() / f"{name}.ipynb") if _nbgrader(c)]
    answers = [c for c in cells if _nbgrader(c).get("solution")]
    assert answers, "a graded notebook has answer cells"
    ids = [_nbgrader(c)["grade_id"] for c in cells]
    assert len(ids) == len(set(ids)), "grade_ids are unique"
    for index, cell in enumerate(cells):
        meta = _nbgrader(cell)
        if meta.get("solution"):
            assert "### BEGIN SOLUTION" in cell.source and "### END SOLUTION" in cell.source
            following = cells[index + 1] if index + 1 < len(cells) else None
            assert following is not None and _nbgrader(following).get("grade"), (
                f"answer cell {meta['grade_id']} must be followed by a test cell"
            )
        if meta.get("grade"):
            assert meta["grade_id"].startswith("test_"), meta["grade_id"]
            assert meta.get("points", 0) > 0 and meta.get("locked"), meta["grade_id"]


@pytest.mark.parametrize("name", SOLVED)
def test_student_notebook_hides_solutions_and_hidden_tests(name):
    text = (notebooks_dir() / f"{name}.ipynb").read_text()
    assert "BEGIN SOLUTION" not in text and "HIDDEN TESTS" not in text
    assert re.search(r"raise NotImplementedError\(\)", text)
