"""Submissions downloaded from a learning-management system as one zip file.

nbgrader's ``zip_collect`` does the work: it extracts the archive and maps each
file name to a student id and a notebook with a regular expression. The default
matches Canvas's bulk download, e.g. ``doejane_12345_67890_01_correlation.ipynb``
(also ``doejane_LATE_12345_67890_01_correlation-1.ipynb`` for a late re-upload).
The result is laid out as ``<student>/<notebook>.ipynb`` for ``in5400 grade``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from autograder.course import ASSIGNMENT, NOTEBOOKS
from autograder.nbgrader_run import make_course_dir, nbgrader

CANVAS_PATTERN = r".*/(?P<student_id>[A-Za-z0-9]+)_(?:LATE_)?\d+_\d+_(?P<file_id>\d\d_[A-Za-z0-9_]+(?:-\d+)?\.ipynb)$"


def unpack_if_zip(submissions: Path, out: Path, pattern: str = CANVAS_PATTERN) -> Path:
    """Return a ``<student>/<notebook>.ipynb`` folder for ``submissions`` (a folder or a zip)."""
    if submissions.is_dir():
        return submissions
    if submissions.suffix.lower() != ".zip" or not submissions.exists():
        raise ValueError(f"{submissions} is neither a folder of submissions nor a .zip file")
    course = make_course_dir(out / ".work" / "lms")
    archive = course / "downloaded" / ASSIGNMENT / "archive"
    shutil.rmtree(course / "downloaded", ignore_errors=True)
    shutil.rmtree(course / "submitted", ignore_errors=True)
    archive.mkdir(parents=True)
    shutil.copy(submissions, archive / submissions.name)
    result = nbgrader(
        course,
        "zip_collect",
        ASSIGNMENT,
        "--force",
        f"--FileNameCollectorPlugin.named_regexp={pattern}",
    )
    if result.returncode != 0:
        raise RuntimeError(f"nbgrader zip_collect failed:\n{result.stdout}")
    folder = out / ".work" / "lms-submissions"
    shutil.rmtree(folder, ignore_errors=True)
    for path in sorted((course / "submitted").glob(f"*/{ASSIGNMENT}/*.ipynb")):
        student = path.parent.parent.name
        notebook = next((name for name in NOTEBOOKS if path.stem.startswith(name)), None)
        if notebook is None:
            continue
        target = folder / student / f"{notebook}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, target)
    if not folder.exists():
        raise ValueError(f"no file in {submissions.name} matched the pattern {pattern}")
    return folder
