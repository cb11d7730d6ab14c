"""The README's Slurm array script, run for real on a one-node cluster.

A small class is graded twice: by the README's job array (three tasks, ``--shard I/3``)
followed by ``in5400 merge``, and by one ``in5400 grade`` on this machine. The two
``grades.csv`` must be identical. Run with ``make test-slurm`` (CI does); it needs
Debian's ``slurm-wlm`` and ``munge`` packages and fails, never skips, without them.
"""

from __future__ import annotations

import csv
import re
import subprocess
from pathlib import Path

import nbformat
import pytest

from autograder.audit import corpus_cases, solution_sources, student_notebook
from autograder.grading.keys import shard_of
from tests.cluster.one_node import INSTALL_HINT, OneNodeSlurm, missing_programs

pytestmark = pytest.mark.slurm

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "autograder" / "slurm" / "grade-array.sbatch"
NB = "01_correlation"
TASKS = 3


def _one_student_per_shard() -> list[str]:
    """Student ids that fall into shards 1, 2 and 3 of 3, one each (shards are by hash)."""
    chosen: dict[int, str] = {}
    index = 0
    while len(chosen) < TASKS:
        name = f"student{index:02d}"
        chosen.setdefault(shard_of(name, TASKS), name)
        index += 1
    return [chosen[shard] for shard in range(TASKS)]


def _write_class(folder: Path) -> None:
    """A perfect, a blank and a wrong (one mutant) submission of notebook 01."""
    solved = solution_sources(NB)
    case, mutant = next((c, source) for c, source in corpus_cases(NB) if c.kind == "mutant")
    answers = [solved, {}, {**solved, case.grade_id: mutant}]
    for student, answer in zip(_one_student_per_shard(), answers, strict=True):
        (folder / student).mkdir(parents=True)
        nbformat.write(student_notebook(NB, answer), folder / student / f"{NB}.ipynb")


def _grades(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_the_readme_shows_the_array_script_as_it_is() -> None:
    readme = (ROOT / "README.md").read_text()
    assert SCRIPT.read_text().strip() in readme, "README.md must include the sbatch script as is"


def test_the_array_job_grades_like_one_machine(tmp_path: Path) -> None:
    missing = missing_programs()
    if missing:
        pytest.fail(f"Slurm is not installed (no {', '.join(missing)}): {INSTALL_HINT}")
    submissions = tmp_path / "submissions"
    _write_class(submissions)
    in5400 = str(ROOT / ".venv" / "bin" / "in5400")

    with OneNodeSlurm(tmp_path / "slurm") as cluster:
        array_out = tmp_path / "graded-by-slurm"
        job = subprocess.run(
            [
                "sbatch",
                "--wait",
                f"--array=1-{TASKS}",
                "--cpus-per-task=1",
                "--mem=2G",
                f"--output={tmp_path}/task-%a.log",
                str(SCRIPT),
                str(submissions),
                str(array_out),
            ],
            cwd=ROOT,
            env=cluster.env,
            capture_output=True,
            text=True,
            timeout=900,
        )
        logs = "\n".join(p.read_text() for p in sorted(tmp_path.glob("task-*.log")))
        assert job.returncode == 0, f"{job.stdout}{job.stderr}\n{logs}\n{cluster.logs()}"
        assert re.search(r"Submitted batch job \d+", job.stdout)
        assert len(list(tmp_path.glob("task-*.log"))) == TASKS

    merged = subprocess.run([in5400, "merge", str(array_out)], capture_output=True, text=True)
    assert merged.returncode == 0, merged.stderr
    single_out = tmp_path / "graded-here"
    single = subprocess.run(
        [in5400, "grade", str(submissions), "--out", str(single_out)],
        capture_output=True,
        text=True,
    )
    assert single.returncode == 0, single.stderr

    by_array, by_one = _grades(array_out / "grades.csv"), _grades(single_out / "grades.csv")
    assert by_array == by_one
    graded = [row for row in by_one if row["notebook"] == NB]
    scores = sorted(float(row["score"]) for row in graded)
    assert len(graded) == TASKS and scores[0] == 0 < scores[1] < scores[2], graded
