"""Grade a class: ``in5400 grade`` from the roster to ``OUT/grades.csv``.

Layout of ``OUT``::

    OUT/grades.csv                      one row per (student, notebook) of the roster
    OUT/feedback/<student>/<nb>.html    feedback without hidden test code
    OUT/autograded/<student>/<nb>.ipynb the executed notebooks, hidden tests included
    OUT/.work/results/<student>/<nb>.json   per-notebook results (written atomically)
    OUT/.work/rosters/<shard>.json      which (student, notebook) pairs a run is responsible for

The roster's submissions that have no up-to-date result are grouped by student
into batches (``autograder.grading.batch``), graded by parallel workers, and
saved one by one as they finish; a re-run skips what is already graded.
"""

from __future__ import annotations

import collections
import contextlib
import json
import math
import multiprocessing
import os
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from pathlib import Path
from unittest import mock

from autograder.course import available_notebooks, repo_root
from autograder.grading.batch import grade_batch
from autograder.grading.environment import sandbox_user_usable, shared_zygotes
from autograder.grading.keys import result_key, shard_of, solutions_key
from autograder.grading.results import (
    Result,
    load_result,
    roster_path,
    save_result,
    write_atomic,
    write_csv,
    zero_result,
)
from autograder.grading.submission import Submission, discover
from autograder.notebook import NotebookInfo, notebook_info
from autograder.sandbox.hide import secret_paths, shield_this_process
from autograder.settings import ONE_THREAD_ENV, Settings


def grade_class(
    submissions_dir: Path,
    settings: Settings,
    notebooks: list[str] | None = None,
    shard: tuple[int, int] | None = None,
    progress: bool = True,
) -> list[Result]:
    """Grade every (student, notebook) of the roster in ``submissions_dir``; write OUT/grades.csv.

    ``shard=(i, n)`` grades only the students of shard ``i`` of ``n`` (1-based), for
    job arrays; ``in5400 merge OUT`` then writes the combined grades.csv.
    """
    names = notebooks or available_notebooks()
    shield_this_process()
    if not settings.secrets:
        hidden = secret_paths(repo_root(), settings.out, submissions_dir)
        settings = replace(settings, secrets=tuple(map(str, hidden)))
    infos = notebook_info(names)
    solutions = solutions_key(names)
    roster = discover(submissions_dir, names)
    if shard:
        index, count = shard
        roster = [s for s in roster if shard_of(s.student, count) == index - 1]
    write_atomic(
        roster_path(settings.out, shard), json.dumps([[s.student, s.notebook] for s in roster])
    )

    done: list[Result] = []
    pending: list[Submission] = []
    for submission in roster:
        cached = load_result(settings.out, submission.student, submission.notebook)
        if cached and cached.key == result_key(submission, solutions):
            done.append(cached)
        else:
            pending.append(submission)

    if pending:
        user = settings.sandbox_user if sandbox_user_usable(settings.sandbox_user) else ""
        batches = make_batches(pending, settings.batch_size, settings.jobs)
        done += run_batches(batches, infos, settings, solutions, user, progress)
    if not shard:
        write_csv(settings.out / "grades.csv", done, names)
    return done


def make_batches(pending: list[Submission], size: int, jobs: int = 1) -> list[list[Submission]]:
    """Group submissions by student into batches of at most ``size`` students (one nbgrader
    run each). One worker gets batches as even as possible. With ``jobs`` workers, each
    taking the next batch when it is free, a batch holds at most a ``2 * jobs``-th of the
    students left, and the last students' notebooks go one by one: the workers finish
    within a notebook of each other.
    """
    by_student: dict[str, list[Submission]] = {}
    for submission in pending:
        by_student.setdefault(submission.student, []).append(submission)
    students = list(by_student.values())
    if not students:
        return []
    if jobs <= 1:
        count = math.ceil(len(students) / size)
        bounds = [round(i * len(students) / count) for i in range(count + 1)]
        return [sum(students[a:b], []) for a, b in zip(bounds[:-1], bounds[1:], strict=True)]
    batches: list[list[Submission]] = []
    start = 0
    while start < len(students):
        take = min(size, math.ceil((len(students) - start) / (2 * jobs)))
        if take == 1:
            return batches + [[s] for student in students[start:] for s in student]
        batches.append(sum(students[start : start + take], []))
        start += take
    return batches


def run_batches(
    batches: list[list[Submission]],
    infos: dict[str, NotebookInfo],
    settings: Settings,
    solutions: str,
    user: str,
    progress: bool,
) -> list[Result]:
    """Grade ``batches`` with ``settings.jobs`` workers: this process, whose modules are
    already imported, and ``jobs - 1`` spawned processes (``BatchQueue``)."""
    from tqdm.auto import tqdm

    bar = tqdm(
        total=sum(len(b) for b in batches), unit="notebook", disable=not progress, desc="grading"
    )
    queue = BatchQueue(batches, infos, settings.out, bar.update)
    args = (infos, settings, solutions, user)
    try:
        if settings.jobs <= 1:
            queue.work(args)
        else:
            queue.share(args, settings.jobs - 1)
    finally:
        bar.close()
    return queue.results


class BatchQueue:
    """Batches waiting to be graded, each taken by the first worker that is free: this
    process, or a thread that hands it to a spawned worker process. Results are saved as
    they come. A batch that fails is recorded as a grader error, without a key, so that the
    next run grades it again; the other batches go on, and when a worker process dies, this
    process grades its batch and the rest."""

    def __init__(
        self,
        batches: list[list[Submission]],
        infos: dict[str, NotebookInfo],
        out: Path,
        advance: Callable[[int], object],
    ) -> None:
        self.waiting = collections.deque(batches)  # popleft, appendleft, clear: thread-safe
        self.infos, self.out, self.advance = infos, out, advance
        self.results: list[Result] = []
        self.lock = threading.Lock()

    def work(self, args: tuple, pool: ProcessPoolExecutor | None = None) -> None:
        """Take batches and grade them until none is left, here or, given a ``pool``, in one
        of its processes; ``args`` are ``grade_batch``'s after the batch."""
        while self.waiting:
            try:
                batch = self.waiting.popleft()
            except IndexError:
                return
            try:
                if pool is None:
                    graded = grade_batch(batch, *args)
                else:
                    graded = pool.submit(grade_batch, batch, *args).result()
            except BrokenProcessPool:
                self.waiting.appendleft(batch)
                raise
            except Exception as error:  # noqa: BLE001 - one batch must not stop the class
                graded = [_grader_error(s, self.infos, error) for s in batch]
            with self.lock:
                for result in graded:
                    save_result(self.out, result)
                self.results.extend(graded)
                self.advance(len(graded))

    def share(self, args: tuple, workers: int) -> None:
        """Grade with this process and ``workers`` spawned processes; ``args`` are
        ``grade_batch``'s after the batch, up to the sandbox user. The workers fork their
        sandboxes from this process's unguarded zygote, started while they start."""
        _, settings, _, user = args
        # "spawn": a forked worker could inherit a lock held by another thread of
        # this process (pytest, a notebook client, torch) and hang on it forever.
        spawn = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=workers, mp_context=spawn) as pool:
            # An empty batch: each worker starts (on one thread) and imports the grader now,
            # beside the zygote.
            with mock.patch.dict(os.environ, ONE_THREAD_ENV):
                for _ in range(workers):
                    pool.submit(grade_batch, [], *args)
            args = (*args, shared_zygotes(settings, user))

            def feed() -> None:
                with contextlib.suppress(BrokenProcessPool):  # this process goes on
                    self.work(args, pool)

            feeders = [threading.Thread(target=feed) for _ in range(workers)]
            for feeder in feeders:
                feeder.start()
            try:
                self.work(args)
                for feeder in feeders:
                    feeder.join()
                self.work(args)  # what a dead worker left
            finally:
                self.waiting.clear()  # on an interruption, the feeders stop after their batch
                for feeder in feeders:
                    feeder.join()


def _grader_error(
    submission: Submission, infos: dict[str, NotebookInfo], error: Exception
) -> Result:
    result = zero_result(
        submission, infos[submission.notebook], "crashed", f"grader error: {error!r}", ""
    )
    return result  # no key: graded again on the next run
