"""Read what one ``nbgrader autograde`` run decided: the gradebook and the status files.

nbgrader stores each test cell's score in its sqlite gradebook; the guarded
executor (``autograder.nbgrader_plugins.execute``) writes whether the notebook
ran normally, timed out or crashed. Together they make a ``Result``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path

from autograder.course import ASSIGNMENT
from autograder.grading.results import Result, zero_result
from autograder.grading.submission import Submission
from autograder.notebook import NotebookInfo


def read_gradebook(job: Path, students: Iterable[str]) -> dict[str, dict[str, list[float]]]:
    """``{nbgrader student id: {grade_id: [score, max_score]}}`` from a batch's gradebook."""
    from nbgrader.api import Gradebook, MissingEntry

    out: dict[str, dict[str, list[float]]] = {}
    with Gradebook(f"sqlite:///{job / 'gradebook.db'}") as gradebook:
        for sid in students:
            try:
                submission = gradebook.find_submission(ASSIGNMENT, sid)
            except MissingEntry:
                continue
            for notebook in submission.notebooks:
                cells = {
                    grade.name: [float(grade.score or 0.0), float(grade.max_score or 0.0)]
                    for grade in notebook.grades
                    if grade.max_score
                }
                if notebook.grades:
                    out.setdefault(sid, {}).update(
                        {f"{notebook.name}::{k}": v for k, v in cells.items()}
                    )
    return out


def from_gradebook(
    submission: Submission,
    info: NotebookInfo,
    grades: dict[str, list[float]] | None,
    status_file: Path,
    log: str,
    key: str,
) -> Result:
    """The result of one submission from its gradebook entries and its status file."""
    prefix = f"{submission.notebook}::"
    cells = {
        name[len(prefix) :]: value
        for name, value in (grades or {}).items()
        if name.startswith(prefix)
    }
    if status_file.exists():
        state = json.loads(status_file.read_text())
    else:
        state = {"status": "crashed", "detail": f"nbgrader could not grade it: {last_error(log)}"}
    if not cells:
        return zero_result(submission, info, state["status"], state["detail"], key)
    for grade_id, points in info.points.items():
        cells.setdefault(grade_id, [0.0, points])
    score = sum(value[0] for value in cells.values())
    return Result(
        submission.student,
        submission.notebook,
        score,
        info.max_score,
        state["status"],
        state.get("detail", ""),
        cells,
        key,
    )


def last_error(log: str) -> str:
    """The last exception line of an nbgrader log (e.g. ``KeyError: 'grade_id'``)."""
    pattern = re.compile(r"^\s*([A-Za-z_.]*(Error|Exception|Exit)\b.*)$")
    errors = [m.group(1) for line in log.splitlines() if (m := pattern.match(line))]
    return errors[-1][:300] if errors else "see the nbgrader log"
