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
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from pathlib import Path
from unittest import mock

from autograder.course import available_notebooks, repo_root
from autograder.grading.batch import grade_batch
from autograder.grading.environment import sandbox_user_usable
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
from autograder.grading.warm_up import warm_up
from autograder.notebook import NotebookInfo, notebook_info
from autograder.sandbox.hide import secret_paths, shield_this_process
from autograder.sandbox.zygote_client import Zygote
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
    # nbgrader and the kernels work in other folders than this process: OUT as a full path.
    settings = replace(settings, out=settings.out.absolute())
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
    """Grade ``batches`` with ``settings.jobs`` workers: this process, warmed up first
    (``warm_up``), and ``jobs - 1`` worker processes (``worker_pool``)."""
    from tqdm.auto import tqdm

    warm_up(list(infos), settings, user)
    args = (infos, settings, solutions, user)
    with contextlib.ExitStack() as stack:
        # The workers start before the progress bar's thread.
        pool = stack.enter_context(worker_pool(settings.jobs - 1, args))
        bar = stack.enter_context(
            tqdm(
                total=sum(len(b) for b in batches),
                unit="notebook",
                disable=not progress,
                desc="grading",
            )
        )
        queue = BatchQueue(batches, infos, settings.out, bar.update)
        if pool is None:
            queue.work(args)
        else:
            queue.share((*args, Zygote.addresses()), pool, settings.jobs - 1)
    return queue.results


@contextlib.contextmanager
def worker_pool(workers: int, args: tuple) -> Iterator[ProcessPoolExecutor | None]:
    """``workers`` grading processes (none: ``None``), started now. They are forked from this
    process, warmed up as it is (``warm_up``), when it runs a single thread, as the
    ``in5400`` command does; otherwise (pytest, a notebook) they are spawned, since a forked
    worker could inherit a lock another thread holds and hang on it forever. ``args`` are
    ``grade_batch``'s after the batch."""
    if workers < 1:
        yield None
        return
    method = "fork" if single_threaded() else "spawn"
    context = multiprocessing.get_context(method)
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        # An empty batch each: a spawned worker starts (on one thread) and imports the grader
        # while this process goes on.
        with mock.patch.dict(os.environ, ONE_THREAD_ENV):
            for _ in range(workers):
                pool.submit(grade_batch, [], *args)
        yield pool


def single_threaded() -> bool:
    """Whether this process runs a single thread (counted by Linux; elsewhere: not known)."""
    try:
        return len(os.listdir("/proc/self/task")) == 1
    except OSError:
        return False


class BatchQueue:
    """Batches waiting to be graded, each taken by the first worker that is free: this
    process, or a thread that hands it to a worker process. Results are saved as they come.
    A batch that fails is recorded as a grader error, without a key, so that the next run
    grades it again; the other batches go on, and when a worker process dies, this process
    grades its batch and the rest."""

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

    def share(self, args: tuple, pool: ProcessPoolExecutor, workers: int) -> None:
        """Grade with this process and the ``workers`` processes of ``pool``; ``args`` are
        ``grade_batch``'s after the batch, the zygotes' addresses included."""

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
