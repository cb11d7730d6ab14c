"""How ``run_batches`` shares a class's batches: this process grades too, a spawned worker
takes the next batch when it is free, and a batch that fails or a worker that dies does not
stop the others. ``grade_batch`` is replaced by a stand-in (importable by the spawned worker)
that records which process graded each batch."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from autograder.grading import pipeline
from autograder.grading.results import zero_result
from autograder.grading.submission import Submission
from autograder.notebook import NotebookInfo, notebook_info
from autograder.settings import Settings

NB = "04_pooling"
PARENT_ENV = "IN5400_TEST_PARENT_PID"


def stand_in(
    batch: list[Submission], infos: dict[str, NotebookInfo], settings, solutions, user
) -> list:
    """Every submission graded 0 with the grading process's id as its detail, in 0.5 s in
    the parent (so that the worker gets batches too) and at once in a worker. A batch of
    student "raises" raises; one of a student "dies..." kills the worker that takes it,
    leaving a file ``died`` in ``settings.out``."""
    student = batch[0].student
    if student == "raises":
        raise RuntimeError("the batch failed")
    if os.getpid() == int(os.environ[PARENT_ENV]):
        time.sleep(0.5)
    elif student.startswith("dies"):
        (settings.out / "died").touch()
        os._exit(1)
    return [zero_result(s, infos[s.notebook], "ok", str(os.getpid()), "key") for s in batch]


def run(tmp_path: Path, students: list[str], jobs: int, monkeypatch) -> dict[str, str]:
    """{student: detail} after grading one batch per student with ``jobs`` workers."""
    monkeypatch.setenv(PARENT_ENV, str(os.getpid()))
    monkeypatch.setattr(pipeline, "grade_batch", stand_in)
    batches = [[Submission(student, NB, None)] for student in students]
    settings = Settings(out=tmp_path, jobs=jobs)
    results = pipeline.run_batches(batches, notebook_info([NB]), settings, "", "", False)
    assert sorted(r.student for r in results) == sorted(students)  # each batch exactly once
    return {r.student: r.detail for r in results}


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_failing_batch_is_a_grader_error_and_the_others_are_graded(tmp_path, monkeypatch, jobs):
    details = run(tmp_path, ["a", "raises", "b", "c"], jobs, monkeypatch)
    assert details["raises"] == "grader error: RuntimeError('the batch failed')"
    assert all(details[s].isdigit() for s in ("a", "b", "c"))


def test_two_jobs_are_this_process_and_one_spawned_worker(tmp_path, monkeypatch):
    details = run(tmp_path, [f"s{i}" for i in range(8)], 2, monkeypatch)
    processes = set(details.values())
    assert str(os.getpid()) in processes and len(processes) == 2, details


def test_when_a_worker_dies_this_process_grades_its_batch_and_the_rest(tmp_path, monkeypatch):
    details = run(tmp_path, [f"dies{i}" for i in range(6)], 2, monkeypatch)
    assert (tmp_path / "died").exists()  # the worker took a batch and died on it
    assert set(details.values()) == {str(os.getpid())}, details
