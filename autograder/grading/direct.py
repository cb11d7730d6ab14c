"""Grade a notebook from the trusted re-check alone when the kernel run could not change it.

A result keeps, per test cell, the lower of what the notebook's kernel run and the
trusted re-check (``autograder.grading.recheck``) award, and a cell that passes in the
kernel but fails the re-check makes the notebook ``tampered``. So the re-check runs
first, on every test cell, and the kernel run (``nbgrader autograde``) is left out when
it could change nothing:

* the re-check passes every cell: full marks;
* it fails some cells, every answer cell ran (or raised the released stub's
  ``NotImplementedError``), and the failed cells fail again when run among the answers
  in an unguarded sandbox, as the kernel would run them: the failures are the student's
  own, not a rigged test, and the cells it passed keep their points.

In both cases every answer cell ran, no call hung or killed its sandbox, every cell was
judged, the course's policy check found nothing in the answers (no refused name, no
dynamic access such as ``get_ipython()``) and it all fitted in the notebook's time
budget. The executed notebook is then written from what the cells printed and raised.
Every other submission is autograded by nbgrader, and its complete verdict is applied to
that result (``recheck_results``) instead of being computed again.

With ``Settings.recheck_only_full_marks`` (the audit: only "full marks or not?" is
asked) the comparison run is left out: the kernel run could only take more points away.
"""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass
from pathlib import Path

from nbformat.notebooknode import NotebookNode

from autograder.course import solutions_dir
from autograder.grading.environment import one_thread, sandbox_environment
from autograder.grading.policy import check_submission, load_policy
from autograder.grading.recheck import Verdict, run_tests, unjudged_notes
from autograder.grading.recheck_sandbox import Sandbox, SandboxGone
from autograder.grading.results import Result
from autograder.grading.submission import Submission
from autograder.notebook import (
    ANSWER,
    TEST,
    Cells,
    NotebookInfo,
    answer_sources,
    grade_id,
    load_cells,
    read,
    read_released,
    role,
)
from autograder.settings import Settings


@dataclass
class Trusted:
    """The trusted re-check of one submission, how long it took, and why the kernel run
    is still needed ("" when the verdict decides the grade)."""

    verdict: Verdict
    seconds: float
    kernel_needed: str = ""


def trusted_verdicts(
    to_grade: dict[str, Submission], settings: Settings, sandbox_user: str, scratch_root: Path
) -> dict[str, Trusted]:
    """The trusted re-check of every test cell of each submission (a run stops at the first
    call that hangs), with what it leaves to the kernel run."""
    env = sandbox_environment(settings, scratch_root, sandbox_user)
    found = {}
    with one_thread():
        for sid, submission in to_grade.items():
            start = time.monotonic()
            cells = load_cells(solutions_dir() / f"{submission.notebook}.ipynb", submission.path)
            verdict = run_tests(cells, env, settings.cell_timeout, stop_at_trouble=True)
            needed = kernel_needed(cells, verdict, env, settings, submission)
            found[sid] = Trusted(verdict, time.monotonic() - start, needed)
    return found


def kernel_needed(
    cells: Cells,
    verdict: Verdict,
    env: dict[str, str],
    settings: Settings,
    submission: Submission | None = None,
) -> str:
    """Why the notebook's kernel run is needed on top of this verdict, or "" if it is not
    (``submission``: the file the policy check reads, if it is to be read). The cells the
    re-check cannot judge are judged by the comparison run (``compare``), as the kernel
    run would judge them."""
    if not verdict.complete:
        return "the re-check could not run every cell"
    outcomes = list(verdict.passed.values())
    if all(outcomes):
        return ""
    full_marks_only = settings.recheck_only_full_marks
    if not full_marks_only:
        raised = [
            e for e in verdict.answer_errors.values() if not e.startswith("NotImplementedError")
        ]
        if raised:
            return f"an answer cell raised {raised[0]}"
        if submission is not None and (notes := unusual(submission)):
            return notes
    elif None not in outcomes:
        return ""
    return compare(cells, verdict, env, settings.cell_timeout, failed_ok=full_marks_only)


def compare(
    cells: Cells, verdict: Verdict, env: dict[str, str], cell_timeout: float, failed_ok: bool
) -> str:
    """Run the test cells up to the last one the re-check failed or could not judge among
    the answers, in an unguarded sandbox, as the notebook's kernel would. A failed cell
    that passes there (unless ``failed_ok``), or a run that hangs, sends the notebook to
    the kernel run (which flags ``tampered``) and leaves ``verdict`` as it is; otherwise a
    cell the re-check could not judge gets the outcome it has there (in
    ``verdict.passed``; its reason stays in ``messages``)."""
    open_cells = [i for i, (g, _) in enumerate(cells.tests) if verdict.passed.get(g) is not True]
    try:
        sandbox = Sandbox(cells, env, cell_timeout)
    except SandboxGone as gone:
        return f"the comparison run could not start ({gone})"
    try:
        errors = sandbox.run_here(cells.tests[: open_cells[-1] + 1])
    except SandboxGone as gone:
        return f"the comparison run {gone}"
    finally:
        sandbox.close()
    judged: dict[str, str | None] = {}
    for index in open_cells:
        grade_id = cells.tests[index][0]
        error = errors.get(grade_id, "NotRun: the comparison run stopped before it")
        if verdict.passed.get(grade_id) is None:
            judged[grade_id] = error
        elif error is None and not failed_ok:
            return f"{grade_id} passes among the answers"
    # Only a deciding verdict takes these outcomes: the kernel run judges the cells otherwise.
    verdict.passed.update({grade_id: error is None for grade_id, error in judged.items()})
    verdict.unjudged.update(judged)
    return ""


def unusual(submission: Submission) -> str:
    """What the course's policy check finds in the answers (a refused name, or dynamic
    access such as ``get_ipython()`` that it cannot resolve), or "": such a notebook gets
    the kernel run, where what it does to the tests shows."""
    solutions = solutions_dir()
    solution = solutions / f"{submission.notebook}.ipynb"
    verdicts, _ = check_submission(
        load_policy(solutions), submission.notebook, solution, submission.path
    )
    notes = [note for j in verdicts.values() for note in (*j.violations, *j.review)]
    return f"the policy check notes {notes[0]}" if notes else ""


def decides(trusted: Trusted, settings: Settings) -> bool:
    """Whether the verdict alone is the grade: in time, and nothing left to the kernel run."""
    return not trusted.kernel_needed and trusted.seconds <= settings.notebook_timeout


def verdict_result(
    submission: Submission, info: NotebookInfo, verdict: Verdict, key: str
) -> Result:
    """The result a deciding verdict gives: each test cell it passed keeps its points; the
    cells only the comparison run could judge are named in the detail."""
    cells = {
        test: [points if verdict.passed.get(test) else 0.0, points]
        for test, points in info.points.items()
    }
    score = sum(got for got, _ in cells.values())
    detail = " | ".join(unjudged_notes(verdict, list(verdict.unjudged)))
    return Result(
        submission.student, submission.notebook, score, info.max_score, "ok", detail, cells, key
    )


def executed_notebook(submission: Submission, verdict: Verdict) -> NotebookNode:
    """The released notebook with the student's answer cells and the solution's test cells
    (hidden tests included), each with what it printed and the error it raised."""
    from autograder.nbgrader_plugins.execute import error_output

    notebook = copy.deepcopy(read_released(submission.notebook))
    handed_in = answer_sources(read(submission.path))
    solution = read(solutions_dir() / f"{submission.notebook}.ipynb")
    tests = {grade_id(cell): cell.source for cell in solution.cells if role(cell) == TEST}
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        cell.outputs, cell.execution_count = [], None
        name = grade_id(cell)
        if role(cell) == ANSWER:
            cell.source = handed_in.get(name, cell.source)
            error = verdict.answer_errors.get(name)
        elif role(cell) == TEST:
            cell.source = tests.get(name, cell.source)
            failed = verdict.passed.get(name) is False
            error = (verdict.unjudged.get(name) or verdict.messages.get(name)) if failed else None
        else:
            continue
        if verdict.printed.get(name):
            cell.outputs.append(_stream(verdict.printed[name]))
        if error:
            ename, _, evalue = error.partition(": ")
            cell.outputs.append(error_output(ename, evalue))
    return notebook


def _stream(text: str) -> NotebookNode:
    return NotebookNode(output_type="stream", name="stdout", text=text)
