"""Grade a batch of submissions with one ``nbgrader autograde`` run in a private course folder.

Each batch gets its own temporary nbgrader course directory with its own copy of
the template gradebook (nbgrader's sqlite gradebook is not safe for concurrent
writers), so parallel workers share no writable state. Missing and malformed
submissions are decided here without running anything; the rest are autograded,
re-checked (``autograder.grading.recheck``) and given feedback.
"""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
import tempfile
from pathlib import Path

from autograder.course import ASSIGNMENT
from autograder.grading.environment import (
    grading_environment,
    private_dir,
    process_scratch_root,
    start_zygote,
)
from autograder.grading.gradebook import from_gradebook, read_gradebook
from autograder.grading.keys import result_key
from autograder.grading.recheck import recheck_results
from autograder.grading.results import Result, zero_result
from autograder.grading.submission import MalformedSubmission, Submission, validate
from autograder.nbgrader_plugins.run import generate_feedback, make_course_dir, nbgrader
from autograder.notebook import NotebookInfo, demo_sources
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
    if not to_grade:
        return results

    job = Path(tempfile.mkdtemp(prefix="job-", dir=private_dir(settings.work / "jobs")))
    scratch_root = process_scratch_root(bool(sandbox_user))
    try:
        make_course_dir(job)
        shutil.copy(template / "gradebook.db", job / "gradebook.db")
        for sid, submission in to_grade.items():
            target = job / "submitted" / sid / ASSIGNMENT / f"{submission.notebook}.ipynb"
            target.parent.mkdir(parents=True)
            shutil.copy(submission.path, target)
        status_dir = job / "status"
        status_dir.mkdir()
        demo_cells = job / "demo_cells.json"
        demo_cells.write_text(json.dumps(demo_sources(list(infos))))
        budget = settings.notebook_timeout * len(to_grade) + 180
        env = grading_environment(settings, scratch_root, status_dir, sandbox_user)
        env[DEMO_CELLS_ENV] = str(demo_cells)
        env[SOCKET_ENV] = start_zygote(settings, scratch_root, sandbox_user)
        args = [
            "autograde",
            ASSIGNMENT,
            "--force",
            f"--Execute.timeout={settings.cell_timeout}",
            f"--GuardedExecute.notebook_timeout={settings.notebook_timeout}",
        ]
        try:
            run = nbgrader(job, *args, timeout=budget, env=env)
            log = run.stdout
        except subprocess.TimeoutExpired:
            log = f"nbgrader did not finish within {budget} s and was stopped"
        grades = read_gradebook(job, to_grade)
        for sid, submission in to_grade.items():
            info = infos[submission.notebook]
            key = result_key(submission, solutions)
            result = from_gradebook(
                submission,
                info,
                grades.get(sid),
                status_dir / sid / f"{submission.notebook}.json",
                log,
                key,
            )
            results.append(result)
        if settings.recheck:
            recheck_results(results, to_grade, settings, sandbox_user, scratch_root)
        # The executed notebooks (hidden tests and outputs included), for the TAs.
        collect(job, "autograded", to_grade, settings.out / "autograded", ".ipynb")
        if settings.feedback:
            try:
                generate_feedback(job)
            except Exception:  # noqa: BLE001 - a missing feedback page must not cost the grades
                logging.getLogger(__name__).exception("feedback pages were not all written")
            collect(job, "feedback", to_grade, settings.out / "feedback", ".html")
    finally:
        shutil.rmtree(job, ignore_errors=True)
        for leftover in scratch_root.iterdir():
            shutil.rmtree(leftover, ignore_errors=True)
    return results


def collect(job: Path, stage: str, students: dict[str, Submission], dest: Path, ext: str) -> None:
    """Copy ``<job>/<stage>/<sid>/<assignment>/<notebook><ext>`` to ``dest/<student>/``."""
    for sid, submission in students.items():
        produced = job / stage / sid / ASSIGNMENT / f"{submission.notebook}{ext}"
        if produced.exists():
            target = dest / submission.student / produced.name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(produced, target)
