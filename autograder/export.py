"""``in5400 export OUT``: the grades as one row per student, for a TA and for the LMS.

``OUT/grades.csv`` has one row per (student, notebook). A TA uploading grades needs one
row per student instead, with the LMS's own student id, a column per notebook and a
total, and, next to them, what the TA must look at before publishing (statuses other
than ``ok``, and the details the grader wrote).

Two formats:

* ``wide`` (``OUT/grades-wide.csv``): ``student, lms_id, <one column per notebook>, total,
  max_total, flags``. ``flags`` lists ``<notebook>: <status> (<detail>)`` for every
  notebook whose status is not ``ok`` or whose row has a detail (cells not re-checked,
  code the grader could not resolve).
* ``canvas`` (``OUT/canvas-grades.csv``): the columns of a Canvas Gradebook import
  (Canvas Instructor Guide, "How do I import grades in the Gradebook?"): ``Student``,
  ``ID``, ``SIS User ID``, ``SIS Login ID``, ``Section``, then one column per notebook.
  A column named ``<title> (<assignment id>)`` updates that Canvas assignment; a column
  with a new name makes Canvas create an assignment. The second row is ``Points
  Possible``, as in Canvas's own gradebook export. Canvas computes totals itself, so the
  file has no total or flag column (a text column would become an assignment); the
  flags are in the wide file.

The LMS id comes from the LMS zip that ``in5400 grade`` unpacked (``OUT/lms-ids.csv``,
written by ``autograder.lms``), or from a Canvas gradebook export given as ``--roster``
(its ``ID``, ``SIS User ID``, ``SIS Login ID`` and ``Section`` are copied, matched on
the Canvas user id); students the roster does not know are listed on standard error.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from autograder.course import available_notebooks
from autograder.lms import LMS_IDS_FILE

CANVAS_ID_COLUMNS = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
POINTS_POSSIBLE = "Points Possible"


@dataclass
class StudentGrades:
    """One student's row: scores per notebook, what the TA must look at, and LMS ids."""

    student: str
    scores: dict[str, float] = field(default_factory=dict)
    max_scores: dict[str, float] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)
    lms_id: str = ""
    lms_name: str = ""

    @property
    def total(self) -> float:
        return sum(self.scores.values())

    @property
    def max_total(self) -> float:
        return sum(self.max_scores.values())


def _flag(row: dict[str, str]) -> str | None:
    """What a TA must see about one grades.csv row, or ``None`` for a plain ``ok``."""
    status, detail = row["status"], row["detail"].strip()
    if status == "ok" and not detail:
        return None
    return f"{row['notebook']}: {status}" + (f" ({detail})" if detail else "")


def read_grades(out: Path) -> list[StudentGrades]:
    """``OUT/grades.csv`` (and ``OUT/lms-ids.csv`` if present) as one entry per student."""
    grades_csv = out / "grades.csv"
    if not grades_csv.exists():
        raise FileNotFoundError(f"{grades_csv} does not exist: run `in5400 grade` (or merge)")
    students: dict[str, StudentGrades] = {}
    with open(grades_csv, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            entry = students.setdefault(row["student"], StudentGrades(row["student"]))
            entry.scores[row["notebook"]] = float(row["score"])
            entry.max_scores[row["notebook"]] = float(row["max_score"])
            if flag := _flag(row):
                entry.flags.append(flag)
    ids_csv = out / LMS_IDS_FILE
    if ids_csv.exists():
        with open(ids_csv, newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                if row["student"] in students:
                    students[row["student"]].lms_id = row["lms_id"]
                    students[row["student"]].lms_name = row["lms_name"]
    return [students[name] for name in sorted(students)]


def _notebooks(grades: Iterable[StudentGrades]) -> list[str]:
    seen = {name for entry in grades for name in entry.scores}
    known = [name for name in available_notebooks() if name in seen]
    return known + sorted(seen - set(known))


def _number(value: float) -> str:
    return f"{value:g}"


def write_wide(grades: list[StudentGrades], path: Path) -> Path:
    """One row per student: ``student, lms_id, <notebooks>, total, max_total, flags``."""
    notebooks = _notebooks(grades)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student", "lms_id", *notebooks, "total", "max_total", "flags"])
        for entry in grades:
            scores = [_number(entry.scores[nb]) if nb in entry.scores else "" for nb in notebooks]
            writer.writerow(
                [
                    entry.student,
                    entry.lms_id,
                    *scores,
                    _number(entry.total),
                    _number(entry.max_total),
                    "; ".join(entry.flags),
                ]
            )
    return path


def read_roster(path: Path) -> dict[str, dict[str, str]]:
    """A Canvas gradebook export: ``{Canvas user id: its identity columns}``.

    Rows without an ``ID`` (``Points Possible``, the test student's summary) are skipped.
    """
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in CANVAS_ID_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ValueError(f"{path} is not a Canvas gradebook export: no column {missing}")
        return {
            row["ID"].strip(): {c: row[c] for c in CANVAS_ID_COLUMNS}
            for row in reader
            if row["ID"].strip()
        }


def canvas_column(notebook: str, assignment_ids: dict[str, str], prefix: str) -> str:
    """The column title for ``notebook``: ``<title> (<id>)`` when its Canvas id is known."""
    title = f"{prefix}{notebook}"
    return f"{title} ({assignment_ids[notebook]})" if notebook in assignment_ids else title


def write_canvas(
    grades: list[StudentGrades],
    path: Path,
    roster: dict[str, dict[str, str]] | None = None,
    assignment_ids: dict[str, str] | None = None,
    prefix: str = "IN5400 L5 ",
) -> Path:
    """A Canvas Gradebook import file (see the module docstring for its columns)."""
    notebooks = _notebooks(grades)
    ids = assignment_ids or {}
    unknown = []
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([*CANVAS_ID_COLUMNS, *(canvas_column(nb, ids, prefix) for nb in notebooks)])
        most = {nb: max(e.max_scores.get(nb, 0.0) for e in grades) for nb in notebooks}
        writer.writerow([POINTS_POSSIBLE, "", "", "", "", *(_number(most[nb]) for nb in notebooks)])
        for entry in grades:
            identity = {"Student": entry.lms_name or entry.student, "ID": entry.lms_id}
            if roster is not None:
                if entry.lms_id in roster:
                    identity = roster[entry.lms_id]
                else:
                    unknown.append(entry.student)
            scores = [_number(entry.scores[nb]) if nb in entry.scores else "" for nb in notebooks]
            writer.writerow([*(identity.get(c, "") for c in CANVAS_ID_COLUMNS), *scores])
    for student in unknown:
        print(f"in5400 export: {student} is not in the roster (no Canvas id)", file=sys.stderr)
    return path


def export(
    out: Path,
    fmt: str,
    roster: Path | None = None,
    assignment_ids: dict[str, str] | None = None,
) -> Path:
    """Write ``OUT/grades-wide.csv`` (``fmt="wide"``) or ``OUT/canvas-grades.csv``."""
    grades = read_grades(out)
    if fmt == "wide":
        return write_wide(grades, out / "grades-wide.csv")
    if fmt == "canvas":
        known = read_roster(roster) if roster else None
        return write_canvas(grades, out / "canvas-grades.csv", known, assignment_ids)
    raise ValueError(f"unknown format {fmt!r}: use wide or canvas")
