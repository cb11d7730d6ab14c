"""The grade of one (student, notebook), where it is kept, and the class's ``grades.csv``.

``OUT/.work/results/<student>/<notebook>.json`` holds each result (written
atomically, so an interrupted run leaves no half-written file); ``write_csv``
and ``merge`` turn them into ``OUT/grades.csv``, one row per (student, notebook)
of the roster.
"""

from __future__ import annotations

import csv
import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

from autograder.course import available_notebooks
from autograder.grading.submission import Submission
from autograder.notebook import NotebookInfo

STATUSES = ("ok", "timeout", "crashed", "malformed", "missing", "tampered", "shortcut")
CSV_COLUMNS = ("student", "notebook", "score", "max_score", "status", "detail")


@dataclass
class Result:
    """The grade of one (student, notebook)."""

    student: str
    notebook: str
    score: float
    max_score: float
    status: str
    detail: str = ""
    cells: dict[str, list[float]] = field(default_factory=dict)  # grade_id -> [score, max]
    key: str = ""  # hash of the submission and the solutions this result was computed from
    review: list[str] = field(default_factory=list)  # dynamic access for a person to look at
    recheck_failed: dict[str, str] = field(default_factory=dict)  # test cell -> why it failed

    def row(self) -> dict[str, str]:
        return {
            "student": self.student,
            "notebook": self.notebook,
            "score": f"{self.score:g}",
            "max_score": f"{self.max_score:g}",
            "status": self.status,
            "detail": self.detail,
        }


def zero_result(
    submission: Submission, info: NotebookInfo, status: str, detail: str, key: str
) -> Result:
    """No points for any of the notebook's test cells."""
    cells = {grade_id: [0.0, points] for grade_id, points in info.points.items()}
    return Result(
        submission.student, submission.notebook, 0.0, info.max_score, status, detail, cells, key
    )


def write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    with os.fdopen(handle, "w", encoding="utf-8") as stream:
        stream.write(text)
    os.replace(tmp, path)


def result_path(out: Path, student: str, notebook: str) -> Path:
    return out / ".work" / "results" / student / f"{notebook}.json"


def save_result(out: Path, result: Result) -> None:
    write_atomic(result_path(out, result.student, result.notebook), json.dumps(asdict(result)))


def load_result(out: Path, student: str, notebook: str) -> Result | None:
    path = result_path(out, student, notebook)
    if not path.exists():
        return None
    return Result(**json.loads(path.read_text()))


def roster_path(out: Path, shard: tuple[int, int] | None) -> Path:
    """Where a run records the (student, notebook) pairs it is responsible for."""
    name = f"shard-{shard[0]}-of-{shard[1]}" if shard else "all"
    return out / ".work" / "rosters" / f"{name}.json"


def write_csv(path: Path, results: list[Result], notebooks: list[str]) -> None:
    order = {name: i for i, name in enumerate(notebooks)}
    rows = sorted(results, key=lambda r: (r.student, order.get(r.notebook, 99)))
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        writer.writerows(r.row() for r in rows)


def merge(out: Path, notebooks: list[str] | None = None) -> list[Result]:
    """Combine the results of every shard run into ``OUT/grades.csv``.

    Every (student, notebook) in any shard's roster must have a result; a missing
    one is reported as status ``crashed`` with detail ``no result: grade this shard again``.
    """
    names = notebooks or available_notebooks()
    pairs: set[tuple[str, str]] = set()
    for roster in (out / ".work" / "rosters").glob("*.json"):
        pairs.update(tuple(p) for p in json.loads(roster.read_text()))
    results = []
    for student, notebook in sorted(pairs):
        result = load_result(out, student, notebook)
        if result is None:
            result = Result(
                student, notebook, 0.0, 0.0, "crashed", "no result: grade this shard again"
            )
        results.append(result)
    write_csv(out / "grades.csv", results, names)
    return results
