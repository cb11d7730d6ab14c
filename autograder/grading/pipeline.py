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

import json
import math
import multiprocessing
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import replace
from pathlib import Path

from autograder.course import available_notebooks, repo_root
from autograder.grading.batch import grade_batch
from autograder.grading.environment import prepare, sandbox_user_usable
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
from autograder.settings import Settings


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
        template = prepare(settings, names)
        user = settings.sandbox_user if sandbox_user_usable(settings.sandbox_user) else ""
        batches = make_batches(pending, settings.batch_size, settings.jobs)
        done += run_batches(batches, template, infos, settings, solutions, user, progress)
    if not shard:
        write_csv(settings.out / "grades.csv", done, names)
    return done


def make_batches(pending: list[Submission], size: int, jobs: int = 1) -> list[list[Submission]]:
    """Group submissions by student into batches of at most ``size`` students (one nbgrader
    run each), as even as possible and, when there is enough work, a multiple of ``jobs``
    batches so that no worker is left grading a last batch alone.
    """
    by_student: dict[str, list[Submission]] = {}
    for submission in pending:
        by_student.setdefault(submission.student, []).append(submission)
    students = list(by_student.values())
    if not students:
        return []
    count = math.ceil(len(students) / size)
    count = min(len(students), math.ceil(count / jobs) * jobs)
    bounds = [round(i * len(students) / count) for i in range(count + 1)]
    return [sum(students[a:b], []) for a, b in zip(bounds[:-1], bounds[1:], strict=True)]


def run_batches(
    batches: list[list[Submission]],
    template: Path,
    infos: dict[str, NotebookInfo],
    settings: Settings,
    solutions: str,
    user: str,
    progress: bool,
) -> list[Result]:
    from tqdm.auto import tqdm

    results: list[Result] = []
    bar = tqdm(
        total=sum(len(b) for b in batches), unit="notebook", disable=not progress, desc="grading"
    )

    def keep(batch_results: list[Result]) -> None:
        for result in batch_results:
            save_result(settings.out, result)
        results.extend(batch_results)
        bar.update(len(batch_results))

    try:
        if settings.jobs <= 1:
            for batch in batches:
                keep(grade_batch(batch, template, infos, settings, solutions, user))
        else:
            # "spawn": a forked worker could inherit a lock held by another thread of
            # this process (pytest, a notebook client, torch) and hang on it forever.
            spawn = multiprocessing.get_context("spawn")
            with ProcessPoolExecutor(max_workers=settings.jobs, mp_context=spawn) as pool:
                futures = {
                    pool.submit(grade_batch, b, template, infos, settings, solutions, user): b
                    for b in batches
                }
                for future in as_completed(futures):
                    try:
                        keep(future.result())
                    except Exception as error:  # noqa: BLE001 - one batch must not stop the class
                        keep([_grader_error(s, infos, error) for s in futures[future]])
    finally:
        bar.close()
    return results


def _grader_error(
    submission: Submission, infos: dict[str, NotebookInfo], error: Exception
) -> Result:
    result = zero_result(
        submission, infos[submission.notebook], "crashed", f"grader error: {error!r}", ""
    )
    return result  # no key: graded again on the next run
