"""How ``run_batches`` shares a class's batches: this process grades too, a worker process
takes the next batch when it is free, and a batch that fails or a worker that dies does not
stop the others. ``grade_batch`` is replaced by a stand-in (importable by a spawned worker)
that records which process graded each batch.

Here, under pytest's threads, the workers are spawned; from a process with a single thread
(the ``in5400`` command, or the fresh interpreter of the last test) they are forked."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from answer_cells import one_answer

from autograder.grading import pipeline
from autograder.grading.environment import process_scratch_root, sandbox_environment
from autograder.grading.recheck_sandbox import Sandbox
from autograder.grading.results import zero_result
from autograder.grading.submission import Submission
from autograder.notebook import NotebookInfo, notebook_info
from autograder.sandbox.zygote_client import Zygote
from autograder.settings import ONE_THREAD_ENV, Settings

NB = "04_pooling"
PARENT_ENV = "IN5400_TEST_PARENT_PID"


def stand_in(
    batch: list[Submission], infos: dict[str, NotebookInfo], settings, solutions, user, zygotes=None
) -> list:
    """Every submission graded 0 with the grading process's id as its detail, in 0.5 s in
    the parent (so that the worker gets batches too) and at once in a worker. A batch of
    student "raises" raises; one of a student "dies..." kills the worker that takes it,
    leaving a file ``died`` in ``settings.out``. The empty batch that starts a worker: []."""
    if not batch:
        return []
    student = batch[0].student
    if student == "raises":
        raise RuntimeError("the batch failed")
    if os.getpid() == int(os.environ[PARENT_ENV]):
        time.sleep(0.5)
    elif student.startswith("dies"):
        (settings.out / "died").touch()
        os._exit(1)
    return [zero_result(s, infos[s.notebook], "ok", str(os.getpid()), "key") for s in batch]


def sandbox_facts(
    batch: list[Submission], infos: dict[str, NotebookInfo], settings, solutions, user, zygotes=None
) -> list:
    """Every submission graded 0 with, as its detail, the grading process's id, the id of
    the zygote a re-check sandbox it starts is forked from, whether that sandbox's scratch
    directory is in this process's scratch folder, and whether torch was imported before."""
    if not batch:
        return []
    warm = "torch" in sys.modules
    if os.getpid() == int(os.environ[PARENT_ENV]):
        time.sleep(0.5)
    Zygote.attach(zygotes)
    scratch = process_scratch_root(bool(user))  # as grade_batch calls it
    cells = one_answer("", "answer", "import os\nzygote, where = os.getppid(), os.getcwd()", [])
    sandbox = Sandbox(cells, sandbox_environment(settings, scratch, user), 60)
    try:
        zygote, where = sandbox.values["zygote"], Path(sandbox.values["where"])
    finally:
        sandbox.close()
    detail = f"{os.getpid()} {zygote} {where.parent == scratch} {warm}"
    return [zero_result(s, infos[s.notebook], "ok", detail, "key") for s in batch]


def run(
    tmp_path: Path, students: list[str], jobs: int, monkeypatch, grade=stand_in
) -> dict[str, str]:
    """{student: detail} after grading one batch per student with ``jobs`` workers."""
    monkeypatch.setenv(PARENT_ENV, str(os.getpid()))
    monkeypatch.setattr(pipeline, "grade_batch", grade)
    return graded_by(tmp_path, students, jobs)


def graded_by(tmp_path: Path, students: list[str], jobs: int) -> dict[str, str]:
    """``run``'s grading, once ``grade_batch`` is replaced and ``PARENT_ENV`` set."""
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


def test_the_workers_fork_their_sandboxes_from_one_zygote_into_their_own_scratch(
    tmp_path, monkeypatch
):
    details = run(tmp_path, [f"s{i}" for i in range(6)], 2, monkeypatch, sandbox_facts)
    graders, zygotes, own_scratch, _ = zip(*(d.split() for d in details.values()), strict=True)
    assert len(set(graders)) == 2, details  # this process and the spawned worker
    assert len(set(zygotes)) == 1, details  # the zygote this process started
    assert set(own_scratch) == {"True"}, details


def test_from_a_single_threaded_process_the_worker_is_forked_warmed_up(tmp_path):
    script = textwrap.dedent(
        f"""
        import json, os, sys
        from pathlib import Path
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        import test_run_batches as here
        from autograder.grading import pipeline

        os.environ[here.PARENT_ENV] = str(os.getpid())
        pipeline.grade_batch = here.sandbox_facts
        details = here.graded_by(Path({str(tmp_path)!r}), [f"s{{i}}" for i in range(6)], 2)
        print(json.dumps([os.getpid(), list(details.values())]))
        """
    )
    run = subprocess.run(
        [sys.executable, "-c", script],
        env={**os.environ, **ONE_THREAD_ENV, "TMPDIR": str(tmp_path)},  # as `in5400 grade` runs
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    parent, details = json.loads(run.stdout.splitlines()[-1])
    graders, zygotes, own_scratch, warm = zip(*(d.split() for d in details), strict=True)
    assert len(set(graders)) == 2 and str(parent) in graders, details
    assert len(set(zygotes)) == 1, details  # the zygote the parent started
    assert set(own_scratch) == {"True"}, details
    # The worker had torch before its first batch: it was forked from the warmed-up parent.
    assert set(warm) == {"True"}, details
    # Its scratch folder, the parent's and the zygotes' sockets are gone.
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("in5400-")) == []
