"""Grade a batch of submissions with one ``nbgrader autograde`` run in a private course folder.

Each batch gets its own temporary nbgrader course directory with its own copy of
the template gradebook (nbgrader's sqlite gradebook is not safe for concurrent
writers), so parallel workers share no writable state. Missing and malformed
submissions are decided here without running anything; the rest are autograded,
re-checked (``autograder.grading.recheck``), checked against the course's policy
(``autograder.grading.policy``) and given feedback.
"""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
import tempfile
from pathlib import Path

from autograder.course import ASSIGNMENT, solutions_dir
from autograder.grading.environment import (
    grading_environment,
    one_thread,
    private_dir,
    process_scratch_root,
    start_zygote,
)
from autograder.grading.gradebook import from_gradebook, read_gradebook
from autograder.grading.keys import result_key
from autograder.grading.policy import police_results
from autograder.grading.recheck import recheck_results
from autograder.grading.results import Result, zero_result
from autograder.grading.submission import MalformedSubmission, Submission, validate
from autograder.nbgrader_plugins.run import generate_feedback, make_course_dir, nbgrader
from autograder.notebook import NotebookInfo, demo_sources
from autograder.sandbox.hide import shield_this_process
from autograder.settings import DEMO_CELLS_ENV, SOCKET_ENV, Settings

NBGRADER_STUDENT_PREFIX = "s"


def grade_batch(
    batch: list[Submission],
    template: Path,
    infos: dict[str, NotebookInfo],
    settings: Settings,
    solutions: str,
    sandbox_user: str,
) -> list[Result]:
    """Grade a few submissions with one ``nbgrader autograde`` run in a private course folder."""
    shield_this_process()
    results, to_grade = triage(batch, infos, solutions)
    if not to_grade:
        return results
    job = Path(tempfile.mkdtemp(prefix="job-", dir=private_dir(settings.work / "jobs")))
    scratch_root = process_scratch_root(bool(sandbox_user))
    try:
        make_job(job, template, to_grade, infos)
        env = grading_environment(settings, scratch_root, job / "status", sandbox_user)
        env[DEMO_CELLS_ENV] = str(job / "demo_cells.json")
        env[SOCKET_ENV] = start_zygote(settings, scratch_root, sandbox_user)
        log = autograde(job, settings, env, len(to_grade))
        graded = read_results(job, to_grade, infos, solutions, log)
        if settings.recheck:
            with one_thread():
                recheck_results(graded, to_grade, settings, sandbox_user, scratch_root)
        police_results(
            graded, {(s.student, s.notebook): s.path for s in to_grade.values()}, solutions_dir()
        )
        results += graded
        # The executed notebooks (hidden tests and outputs included), for the TAs.
        collect(job, "autograded", to_grade, settings.out / "autograded", ".ipynb")
        if settings.feedback:
            copy_feedback(job, to_grade, settings.out / "feedback", env)
    finally:
        shutil.rmtree(job, ignore_errors=True)
        for leftover in scratch_root.iterdir():
            shutil.rmtree(leftover, ignore_errors=True)
    return results


def triage(
    batch: list[Submission], infos: dict[str, NotebookInfo], solutions: str
) -> tuple[list[Result], dict[str, Submission]]:
    """Results for the missing and malformed submissions, and the rest by nbgrader student id."""
    ids_by_notebook = {name: set(info.answers) for name, info in infos.items()}
    results: list[Result] = []
    to_grade: dict[str, Submission] = {}
    for submission in batch:
        info = infos[submission.notebook]
        key = result_key(submission, solutions)
        if submission.path is None:
            results.append(zero_result(submission, info, "missing", "no file handed in", key))
            continue
        try:
            validate(submission.path, ids_by_notebook[submission.notebook], ids_by_notebook)
        except MalformedSubmission as error:
            results.append(zero_result(submission, info, "malformed", str(error), key))
            continue
        to_grade[f"{NBGRADER_STUDENT_PREFIX}{len(to_grade)}"] = submission
    return results, to_grade


def make_job(
    job: Path, template: Path, to_grade: dict[str, Submission], infos: dict[str, NotebookInfo]
) -> None:
    """An nbgrader course folder with the template gradebook, the submissions, an empty
    ``status/`` folder and ``demo_cells.json``."""
    make_course_dir(job)
    shutil.copy(template / "gradebook.db", job / "gradebook.db")
    for sid, submission in to_grade.items():
        target = job / "submitted" / sid / ASSIGNMENT / f"{submission.notebook}.ipynb"
        target.parent.mkdir(parents=True)
        shutil.copy(submission.path, target)
    (job / "status").mkdir()
    (job / "demo_cells.json").write_text(json.dumps(demo_sources(list(infos))))


def autograde(job: Path, settings: Settings, env: dict[str, str], count: int) -> str:
    """Run ``nbgrader autograde`` on the job's ``count`` submissions; return its log."""
    budget = settings.notebook_timeout * count + 180
    args = [
        "autograde",
        ASSIGNMENT,
        "--force",
        f"--Execute.timeout={settings.cell_timeout}",
        f"--GuardedExecute.notebook_timeout={settings.notebook_timeout}",
    ]
    try:
        return nbgrader(job, *args, timeout=budget, env=env).stdout
    except subprocess.TimeoutExpired:
        return f"nbgrader did not finish within {budget} s and was stopped"


def read_results(
    job: Path,
    to_grade: dict[str, Submission],
    infos: dict[str, NotebookInfo],
    solutions: str,
    log: str,
) -> list[Result]:
    """The results of the autograded submissions, from the gradebook and the status files."""
    grades = read_gradebook(job, to_grade)
    return [
        from_gradebook(
            submission,
            infos[submission.notebook],
            grades.get(sid),
            job / "status" / sid / f"{submission.notebook}.json",
            log,
            result_key(submission, solutions),
        )
        for sid, submission in to_grade.items()
    ]


def collect(job: Path, stage: str, students: dict[str, Submission], dest: Path, ext: str) -> None:
    """Copy ``<job>/<stage>/<sid>/<assignment>/<notebook><ext>`` to ``dest/<student>/``."""
    for sid, submission in students.items():
        produced = job / stage / sid / ASSIGNMENT / f"{submission.notebook}{ext}"
        if produced.exists():
            target = dest / submission.student / produced.name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(produced, target)


def copy_feedback(
    job: Path, students: dict[str, Submission], dest: Path, env: dict[str, str]
) -> None:
    """Write the feedback pages with nbgrader's converter in this process and copy them out.

    A page that could not be written is logged; it never costs the batch its grades.
    """
    try:
        generate_feedback(job)
    except Exception:  # noqa: BLE001 - a missing feedback page must not cost the grades
        logging.getLogger(__name__).exception("feedback pages were not all written")
    collect(job, "feedback", students, dest, ".html")
