"""``in5400 check NOTEBOOK``: run a notebook and say which of its test cells pass.

The notebook runs top to bottom in a fresh kernel whose working directory is the
notebook's folder (so it behaves as in Jupyter, wherever the command is started);
an error does not stop the run, a cell that runs longer than ``timeout`` seconds is
interrupted. The file itself is not changed.

A test cell passes when it runs without an error. Test cells that hold only hidden
tests (blank in the student's copy) are listed but not counted: they run when grading.
Answers that use what the course's policy forbids (``solutions/policy.toml``) are
listed too: grading gives their exercise 0 points.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import DeadKernelError

from autograder.course import solutions_dir
from autograder.grading.policy import student_notes
from autograder.notebook import ANSWER, TEST, grade_id, points, role
from autograder.settings import CHECK_CELL_TIMEOUT

#: Error name recorded for a cell that ran out of time (nbclient then interrupts the kernel).
TIMEOUT_ERROR = "Timeout"


@dataclass(frozen=True)
class TestOutcome:
    """One test cell: did it pass, and if not, why (``message`` is empty when it passed)."""

    grade_id: str
    points: float
    passed: bool
    message: str
    visible: bool = True  # False: the cell holds only hidden tests, run when grading


def has_code(source: str) -> bool:
    """Whether ``source`` has a line that is neither blank nor a comment."""
    return any(line.strip() and not line.lstrip().startswith("#") for line in source.splitlines())


def run_notebook(
    notebook: nbformat.NotebookNode, folder: Path, timeout: int
) -> tuple[dict[int, str], str]:
    """Run every code cell of ``notebook`` in a kernel started in ``folder``.

    Returns ``{cell index: error}`` for the cells that ran (``"Name: message"``, or empty
    when the cell ran without an error), and a note when the run stopped early (the
    kernel died); the note is empty otherwise.
    """
    runs: dict[int, str] = {}

    def record(cell: Any, cell_index: int, execute_reply: dict[str, Any] | None) -> None:
        content = (execute_reply or {}).get("content", {})
        if content.get("status", "ok") == "ok":
            runs[cell_index] = ""
        elif content.get("ename") in (TIMEOUT_ERROR, "KeyboardInterrupt"):
            runs[cell_index] = (
                f"{TIMEOUT_ERROR}: the cell ran longer than {timeout} s and was stopped"
            )
        else:
            ename, evalue = content.get("ename", "Error"), content.get("evalue", "")
            runs[cell_index] = f"{ename}: {evalue}" if evalue else ename

    client = NotebookClient(
        notebook,
        timeout=timeout,
        allow_errors=True,
        interrupt_on_timeout=True,
        error_on_timeout={"ename": TIMEOUT_ERROR, "evalue": "", "traceback": []},
        kernel_name="python3",
        resources={"metadata": {"path": str(folder)}},
        on_cell_executed=record,
    )
    try:
        client.execute()
    except DeadKernelError:
        last = max(runs, default=-1)
        dead_in = next(
            (
                i
                for i, cell in enumerate(notebook.cells)
                if i > last and cell.cell_type == "code" and cell.source.strip()
            ),
            last,
        )
        runs[dead_in] = "DeadKernelError: the kernel died while running this cell"
        return (
            runs,
            f"the kernel died in cell {dead_in + 1} (out of memory, or the code ended the process)",
        )
    return runs, ""


def read_notebook(path: Path) -> nbformat.NotebookNode:
    """The notebook at ``path``; ``ValueError`` with a one-line reason when it cannot be read."""
    if not path.is_file():
        what = "is a folder, not a notebook file" if path.is_dir() else "does not exist"
        raise ValueError(f"{path} {what} (give the path of your .ipynb file)")
    try:
        return nbformat.read(path, as_version=4)
    except Exception as error:  # noqa: BLE001 - any reading failure is reported the same way
        lines = str(error).strip().splitlines() or [type(error).__name__]
        raise ValueError(f"{path} is not a readable Jupyter notebook ({lines[0]})") from None


def judge(notebook: nbformat.NotebookNode, folder: Path, timeout: int) -> list[TestOutcome]:
    """Run ``notebook`` (a copy; the caller's cells keep their outputs) in ``folder`` and
    judge each test cell.

    A failing test cell's message ends with the error of the answer cell above it,
    when that one failed too (e.g. it still raises ``NotImplementedError``).
    """
    notebook = nbformat.from_dict(notebook)
    runs, stopped = run_notebook(notebook, folder, timeout)
    outcomes = []
    answer_id, answer_error = "", ""
    for index, cell in enumerate(notebook.cells):
        kind = role(cell)
        if kind == ANSWER:
            answer_id = grade_id(cell) or f"cell {index + 1}"
            answer_error = runs.get(index, "")
            continue
        if kind != TEST:
            continue
        name, worth = grade_id(cell) or f"cell {index + 1}", points(cell)
        if not has_code(cell.source):
            outcomes.append(TestOutcome(name, worth, False, "", visible=False))
            continue
        if index not in runs:
            message = f"not run: {stopped}" if stopped else "not run"
        else:
            message = runs[index]
            if message and answer_error:
                message += f"\n(the answer cell {answer_id} above failed: {answer_error})"
        outcomes.append(TestOutcome(name, worth, not message, message))
    return outcomes


def summary(name: str, outcomes: list[TestOutcome]) -> str:
    """One line: how many visible test cells pass, and their points."""
    visible = [o for o in outcomes if o.visible]
    passed = [o for o in visible if o.passed]
    hidden = len(outcomes) - len(visible)
    line = (
        f"{name}: {len(passed)}/{len(visible)} visible test cells pass "
        f"({sum(o.points for o in passed):g}/{sum(o.points for o in visible):g} points)"
    )
    if hidden:
        line += f"; {hidden} cell{'s' if hidden > 1 else ''} with only hidden tests"
    return line + ". Grading also runs hidden tests on other inputs."


def report_line(outcome: TestOutcome) -> str:
    """``PASS``/``FAIL``/``----`` line for a test cell, with the indented failure message."""
    mark = "----" if not outcome.visible else ("PASS" if outcome.passed else "FAIL")
    line = f"  {mark}  {outcome.grade_id} ({outcome.points:g} pt)"
    if not outcome.visible:
        return line + "  hidden tests only, run when grading"
    if outcome.message:
        line += "\n" + textwrap.indent(outcome.message, " " * 8)
    return line


def check_notebook(path: Path, timeout: int = CHECK_CELL_TIMEOUT) -> int:
    """Print a line per test cell and a summary; exit status 0 when all visible tests pass.

    Exit status 2 when the file cannot be checked (missing, or not a notebook).
    """
    try:
        notebook = read_notebook(path)
    except ValueError as error:
        print(f"cannot check: {error}")
        return 2
    print(f"running {path} (each cell may take up to {timeout} s) ...", flush=True)
    outcomes = judge(notebook, path.resolve().parent, timeout)
    for outcome in outcomes:
        print(report_line(outcome))
    refused = student_notes(notebook, path.stem, solutions_dir())
    for message in refused:
        print(f"  REFUSED  {message}: grading gives this exercise 0 points")
    print(summary(path.name, outcomes))
    visible = [o for o in outcomes if o.visible]
    return 0 if visible and all(o.passed for o in visible) and not refused else 1
