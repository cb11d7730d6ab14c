"""Submissions downloaded from a learning-management system as one zip file.

nbgrader's ``zip_collect`` extracts the archive (also zips inside it) and maps each
file's path to a student id and a file id with a regular expression (``re.match`` on
the extracted file's absolute path; files not ending in ``.ipynb`` are skipped). The
result is laid out here as ``<student>/<notebook>.ipynb`` for ``in5400 grade``.

The default pattern reads Canvas's bulk download: ``<name>_[LATE_]<user id>_<file id>_<file name>``,
e.g. ``doejane_12345_67890_01_correlation.ipynb`` or, for a late re-upload,
``doejane_LATE_12345_67999_01_correlation-1.ipynb`` (Canvas appends ``-1``, ``-2``, ...
to a re-uploaded file of the same name). The student is ``doejane`` (two students
with the same name become ``<name>_<user id>``); the notebook is
the first course notebook whose name occurs in the file name, so ``01_correlation (2).ipynb``
counts as ``01_correlation`` too.

When a student has several files for one notebook, the **latest upload wins**: Canvas
numbers uploads (file ids) and re-uploads (the ``-N`` suffix) in increasing order, so
the file whose numbers, read left to right and ignoring the notebook's own name, are
largest is kept. A custom pattern needs the groups ``student_id`` and ``file_id``; put
whatever orders the uploads (ids, a timestamp written as digits) into ``file_id``.
"""

from __future__ import annotations

import csv
import re
import shutil
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from autograder.course import ASSIGNMENT, NOTEBOOKS
from autograder.nbgrader_plugins.run import make_course_dir, nbgrader

#: Written next to the grades: each student's id in the LMS (``in5400 export`` reads it).
LMS_IDS_FILE = "lms-ids.csv"

CANVAS_PATTERN = r".*/(?P<student_id>[^/_]+)_(?:LATE_)?(?P<file_id>\d+_\d+_[^/]*\.ipynb)$"


@dataclass(frozen=True)
class Upload:
    """One collected file: whose, which notebook, and its position among re-uploads."""

    student: str
    notebook: str
    path: Path
    order: tuple[int, ...]


def upload_of(student: str, path: Path) -> Upload | None:
    """Read a collected file ``<file_id>``; ``None`` when it names no course notebook."""
    notebook = next((name for name in NOTEBOOKS if name in path.name), None)
    if notebook is None:
        return None
    numbers = re.findall(r"\d+", path.name.replace(notebook, "_", 1))
    return Upload(student, notebook, path, tuple(int(n) for n in numbers))


def separate_namesakes(uploads: list[Upload]) -> list[Upload]:
    """Canvas names students by name only: give namesakes ``<name>_<user id>`` instead.

    In a Canvas file id the first number is the user id, so one name with two user
    ids is two people.
    """
    users: dict[str, set[int]] = {}
    for upload in uploads:
        users.setdefault(upload.student, set()).add(upload.order[0])
    return [
        replace(upload, student=f"{upload.student}_{upload.order[0]}")
        if len(users[upload.student]) > 1
        else upload
        for upload in uploads
    ]


def latest_uploads(uploads: list[Upload]) -> dict[tuple[str, str], Upload]:
    """``{(student, notebook): upload}`` keeping each student's latest upload of a notebook."""
    latest: dict[tuple[str, str], Upload] = {}
    for upload in uploads:
        key = (upload.student, upload.notebook)
        if key not in latest or upload.order > latest[key].order:
            latest[key] = upload
    return latest


def unpack_if_zip(submissions: Path, out: Path, pattern: str = CANVAS_PATTERN) -> Path:
    """Return a ``<student>/<notebook>.ipynb`` folder for ``submissions`` (a folder or a zip).

    A zip is unpacked to ``out/.work/lms-submissions`` (replacing an earlier unpacking).
    Raises ``ValueError`` when ``submissions`` is neither a folder nor a zip archive, or
    when no file in the zip matches ``pattern`` and names a course notebook.
    """
    if submissions.is_dir():
        return submissions
    if not submissions.exists():
        raise ValueError(f"{submissions} does not exist (give a folder of submissions or a .zip)")
    if not zipfile.is_zipfile(submissions):
        raise ValueError(f"{submissions} is neither a folder of submissions nor a zip archive")
    course = collect(submissions, out / ".work" / "lms", pattern)
    uploads, unknown = [], []
    for path in sorted((course / "submitted").glob(f"*/{ASSIGNMENT}/*.ipynb")):
        upload = upload_of(path.parent.parent.name, path)
        if upload is None:
            unknown.append(path)
        else:
            uploads.append(upload)
    canvas = pattern == CANVAS_PATTERN
    names = {upload.path: upload.student for upload in uploads}
    if canvas:
        uploads = separate_namesakes(uploads)
    for path in unknown:
        print(f"skipped {path.parent.parent.name}/{path.name}: not one of {', '.join(NOTEBOOKS)}")
    latest = latest_uploads(uploads)
    for upload in uploads:
        kept = latest[(upload.student, upload.notebook)]
        if kept is not upload:
            print(
                f"{upload.student}: {kept.path.name} replaces the earlier upload {upload.path.name}"
            )
    if not latest:
        with zipfile.ZipFile(submissions) as archive:
            names = [Path(name).name for name in archive.namelist() if not name.endswith("/")]
        listing = ", ".join(names[:5]) + (", ..." if len(names) > 5 else "") or "nothing"
        raise ValueError(
            f"no file in {submissions.name} names a student and a course notebook "
            f"(pattern {pattern}); it holds: {listing}"
        )
    folder = out / ".work" / "lms-submissions"
    shutil.rmtree(folder, ignore_errors=True)
    for path in unknown:  # on the roster, so the grades show the notebooks as missing
        (folder / path.parent.parent.name).mkdir(parents=True, exist_ok=True)
    for (student, notebook), upload in latest.items():
        target = folder / student / f"{notebook}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(upload.path, target)
    write_lms_ids(out / LMS_IDS_FILE, latest.values(), names, canvas)
    return folder


def write_lms_ids(
    path: Path, uploads: Iterable[Upload], names: dict[Path, str], canvas: bool
) -> None:
    """``student, lms_id, lms_name`` per student: the Canvas user id and the name in the zip.

    For a custom pattern the LMS id is unknown and left empty.
    """
    ids = {u.student: (str(u.order[0]) if canvas else "", names[u.path]) for u in uploads}
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student", "lms_id", "lms_name"])
        writer.writerows([student, *ids[student]] for student in sorted(ids))


def collect(archive: Path, course: Path, pattern: str) -> Path:
    """Run ``nbgrader zip_collect`` on ``archive`` in a fresh course folder ``course``.

    The files end up in ``course/submitted/<student_id>/<ASSIGNMENT>/<file_id>``.
    """
    shutil.rmtree(course, ignore_errors=True)
    make_course_dir(course)
    downloaded = course / "downloaded" / ASSIGNMENT / "archive"
    downloaded.mkdir(parents=True)
    shutil.copy(archive, downloaded / f"{archive.stem}.zip")
    result = nbgrader(
        course,
        "zip_collect",
        ASSIGNMENT,
        "--force",
        f"--FileNameCollectorPlugin.named_regexp={pattern}",
    )
    if result.returncode != 0:
        raise RuntimeError(f"nbgrader zip_collect failed:\n{result.stdout}")
    return course
