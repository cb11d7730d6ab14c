"""Feedback pages written from the final result, with nbgrader's feedback template.

A page shows the executed notebook (hidden test code removed, tracebacks through
test cells cut to their message) and, per test cell, the points of the *final*
result: after the trusted re-check and the course's policy, so the page and
``grades.csv`` always agree. A test cell that ran without error but lost its points
(the trusted re-check failed it, or the policy refused its exercise) gets an error
output that says why.
"""

from __future__ import annotations

import copy
import functools
import os
from pathlib import Path

from nbformat.notebooknode import NotebookNode

from autograder.course import ASSIGNMENT
from autograder.grading.results import Result, write_atomic
from autograder.notebook import TEST, grade_id, role

#: nbgrader's feedback template and the stylesheet it links (inside the nbgrader package).
_FORMGRADER = ("server_extensions", "formgrader")


@functools.cache
def _exporter():
    """One exporter per process (as nbgrader keeps one for all its notebooks)."""
    import nbgrader
    from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
    from traitlets.config import Config

    from autograder.nbgrader_plugins.feedback import FeedbackExporter, RedactHiddenTests

    root = Path(nbgrader.__file__).parent.joinpath(*_FORMGRADER)
    config = Config()
    config.HTMLExporter.template_name = "feedback"
    config.HTMLExporter.extra_template_basedirs = [str(root / "templates")]
    config.HTMLExporter.extra_template_paths = [
        str(root / "static" / "node_modules" / "bootstrap" / "dist" / "css")
    ]
    exporter = FeedbackExporter(config=config)
    exporter.register_preprocessor(RedactHiddenTests(enforce_metadata=False), enabled=True)
    exporter.register_preprocessor(CSSHTMLHeaderPreprocessor, enabled=True)
    return exporter


def scored_notebook(executed: NotebookNode, result: Result) -> NotebookNode:
    """A copy of ``executed`` with each test cell's final score in its nbgrader metadata
    (where nbgrader's template reads it), and the reason a cell lost its points when its
    outputs do not show one."""
    from autograder.nbgrader_plugins.execute import error_output

    notebook = copy.deepcopy(executed)
    for cell in notebook.cells:
        if role(cell) != TEST:
            continue
        score, points = result.cells.get(grade_id(cell), [0.0, 0.0])
        cell.metadata.nbgrader["score"], cell.metadata.nbgrader["points"] = score, points
        failed = any(o.get("output_type") == "error" for o in cell.get("outputs", []))
        if score < points and not failed:
            why = result.recheck_failed.get(grade_id(cell)) or result.detail or "no points"
            cell.outputs.append(error_output("NoPoints", why))
    return notebook


def feedback_page(executed: NotebookNode, result: Result) -> str:
    """The HTML feedback page of one graded notebook."""
    resources = {
        "nbgrader": {
            "student": result.student,
            "assignment": ASSIGNMENT,
            "notebook": result.notebook,
            "score": result.score,
            "max_score": result.max_score,
            "late_penalty": 0,
        }
    }
    html, _ = _exporter().from_notebook_node(scored_notebook(executed, result), resources)
    return html


def write_feedback(executed: NotebookNode, result: Result, folder: Path) -> None:
    """Write ``folder/<student>/<notebook>.html`` (readable by everyone, as nbgrader does)."""
    path = folder / result.student / f"{result.notebook}.html"
    write_atomic(path, feedback_page(executed, result))
    os.chmod(path, 0o644)
