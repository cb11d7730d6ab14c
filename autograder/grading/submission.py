"""Find students' submissions and tell a gradable notebook from a malformed one."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import nbformat

from autograder.notebook import grade_ids


class MalformedSubmission(ValueError):
    """The file is not a notebook of this assignment; the message says why."""


@dataclass(frozen=True)
class Submission:
    student: str
    notebook: str
    path: Path | None  # None: the student did not hand this notebook in


def discover(folder: Path, notebooks: list[str]) -> list[Submission]:
    """Every (student, notebook) of the roster: ``folder/<student>/<notebook>.ipynb``.

    The roster is every sub-folder of ``folder``; a notebook a student did not hand in
    is a ``Submission`` with ``path=None``.
    """
    students = sorted(p.name for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))
    return [
        Submission(
            student, name, path if (path := folder / student / f"{name}.ipynb").exists() else None
        )
        for student in students
        for name in notebooks
    ]


def validate(path: Path, expected_ids: set[str], ids_by_notebook: dict[str, set[str]]) -> None:
    """Raise ``MalformedSubmission`` unless ``path`` is an nbformat-4 notebook of this assignment.

    ``expected_ids`` are the answer-cell ids of the notebook it should be;
    ``ids_by_notebook`` lets the message name the notebook it actually is.
    """
    raw = path.read_bytes()
    if not raw.strip():
        raise MalformedSubmission("the file is empty")
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise MalformedSubmission(f"not valid JSON: {error}") from None
    if not isinstance(data, dict) or "nbformat" not in data:
        raise MalformedSubmission("not a Jupyter notebook (no 'nbformat' field)")
    major = data.get("nbformat")
    if major != 4:
        raise MalformedSubmission(f"unsupported notebook format version {major!r} (expected 4)")
    try:
        notebook = nbformat.reads(raw.decode("utf-8"), as_version=4)
        nbformat.validate(notebook)
    except Exception as error:  # noqa: BLE001 - any validation failure is reported
        raise MalformedSubmission(f"invalid notebook: {str(error).splitlines()[0]}") from None
    found = grade_ids(notebook)
    if not found & expected_ids:
        others = [name for name, ids in ids_by_notebook.items() if found & ids]
        what = f"it looks like {others[0]}" if others else "it has none of the graded cells"
        raise MalformedSubmission(f"not this assignment's notebook: {what}")
