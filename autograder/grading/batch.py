"""Grade a batch of submissions: the trusted re-check first, nbgrader for what it leaves open.

Missing and malformed submissions are decided here without running anything. The
trusted re-check (``autograder.grading.direct``) then runs every test cell of the
others; a submission it passes outright is graded without a kernel run. The rest
get one ``nbgrader autograde`` run in a temporary course directory with its own copy
of the template gradebook (nbgrader's sqlite gradebook is not safe for concurrent
writers, so parallel workers share no writable state), and the re-check's verdict
is applied to what it awarded (``autograder.grading.recheck``). Every result is then
checked against the course's policy (``autograder.grading.policy``), and its executed
notebook and feedback page are written (``autograder.grading.feedback_pages``).
"""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
import tempfile
from pathlib import Path

import nbformat
from nbformat.notebooknode import NotebookNode

from autograder.course import ASSIGNMENT, solutions_dir
from autograder.grading.direct import decides, executed_notebook, trusted_verdicts, verdict_result
from autograder.grading.environment import (
    grading_environment,
    one_thread,
    prepare,
    private_dir,
    process_scratch_root,
    start_zygote,
)
from autograder.grading.feedback_pages import write_feedback
from autograder.grading.gradebook import from_gradebook, read_gradebook
from autograder.grading.keys import result_key
from autograder.grading.policy import police_results
from autograder.grading.recheck import recheck_results
from autograder.grading.results import Result, write_atomic, zero_result
from autograder.grading.submission import MalformedSubmission, Submission, validate
from autograder.nbgrader_plugins.run import make_course_dir, nbgrader
from autograder.notebook import NotebookInfo, demo_sources
from autograder.sandbox.hide import shield_this_process
from autograder.sandbox.zygote_client import Zygote
from autograder.settings import DEMO_CELLS_ENV, SOCKET_ENV, Settings

NBGRADER_STUDENT_PREFIX = "s"


def grade_batch(
    batch: list[Submission],
    infos: dict[str, NotebookInfo],
    settings: Settings,
    solutions: str,
    sandbox_user: str,
    zygotes: list[dict] | None = None,
) -> list[Result]:
    """Grade a few submissions: the trusted re-check first, then one ``nbgrader autograde``
    run in a private course folder for those it does not pass outright (``grading.direct``),
    with the ``zygotes`` of the process that spawned this one (``Zygote.addresses``)."""
    shield_this_process()
    Zygote.attach(zygotes or [])
    results, to_grade = triage(batch, infos, solutions)
    if not to_grade:
        return results
    job = Path(tempfile.mkdtemp(prefix="job-", dir=private_dir(settings.work / "jobs")))
    scratch_root = process_scratch_root(bool(sandbox_user))
    try:
        env = grading_environment(settings, scratch_root, job / "status", sandbox_user)
        env[DEMO_CELLS_ENV] = str(job / "demo_cells.json")
        env[SOCKET_ENV] = start_zygote(settings, scratch_root, sandbox_user)
        verdicts = {}
        if settings.recheck:
            verdicts = trusted_verdicts(to_grade, settings, sandbox_user, scratch_root)
        graded, executed = [], {}
        for sid, trusted in verdicts.items():
            if decides(trusted, settings):
                submission = to_grade[sid]
                key = result_key(submission, solutions)
                info = infos[submission.notebook]
                graded.append(verdict_result(submission, info, trusted.verdict, key))
                executed[submission] = executed_notebook(submission, trusted.verdict)
        rest = {sid: s for sid, s in to_grade.items() if s not in executed}
        if rest:
            make_job(job, prepare(settings, list(infos)), rest, infos)
            log = autograde(job, settings, env, len(rest))
            graded += read_results(job, rest, infos, solutions, log)
            if settings.recheck:
                # Complete verdicts of the re-check alone (none of them judged in a sandbox).
                known = {
                    (s.student, s.notebook): verdicts[sid].verdict
                    for sid, s in rest.items()
                    if sid in verdicts
                    and verdicts[sid].verdict.complete
                    and not verdicts[sid].verdict.unjudged
                }
                with one_thread():
                    recheck_results(graded, rest, settings, sandbox_user, scratch_root, known)
            executed |= autograded_notebooks(job, rest)
        police_results(
            graded, {(s.student, s.notebook): s.path for s in to_grade.values()}, solutions_dir()
        )
        results += graded
        write_outputs(graded, executed, settings)
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


def autograded_notebooks(job: Path, rest: dict[str, Submission]) -> dict[Submission, NotebookNode]:
    """The notebooks nbgrader executed, by submission (none for one it could not run)."""
    executed = {}
    for sid, submission in rest.items():
        path = job / "autograded" / sid / ASSIGNMENT / f"{submission.notebook}.ipynb"
        if path.exists():
            executed[submission] = nbformat.read(path, as_version=4)
    return executed


def write_outputs(
    results: list[Result], executed: dict[Submission, NotebookNode], settings: Settings
) -> None:
    """Write each executed notebook (hidden tests and outputs included, for the TAs) to
    ``OUT/autograded/<student>/`` and its feedback page to ``OUT/feedback/<student>/``.

    A page that could not be written is logged; it never costs the batch its grades.
    """
    by_pair = {(s.student, s.notebook): nb for s, nb in executed.items()}
    for result in results:
        notebook = by_pair.get((result.student, result.notebook))
        if notebook is None:
            continue
        path = settings.out / "autograded" / result.student / f"{result.notebook}.ipynb"
        write_atomic(path, nbformat.writes(notebook))
        if not settings.feedback:
            continue
        try:
            write_feedback(notebook, result, settings.out / "feedback")
        except Exception:  # noqa: BLE001 - a missing feedback page must not cost the grades
            logging.getLogger(__name__).exception("no feedback page for %s", path)
