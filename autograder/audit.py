"""``in5400 audit``: are the hidden tests any good?

For each notebook it grades, through the real grading path (the trusted re-check,
and nbgrader autograde with the guarded executor where the re-check cannot decide;
only "full marks or not?" is asked, so the re-check decides every case whose cells
it could all judge: ``grading.direct``):

* the solution (must get full marks),
* the blank student notebook (must get 0),
* every mutant in ``tests/corpus/<notebook>/<grade_id>/mutant_*.py`` (must lose points),
* every variant in ``tests/corpus/<notebook>/<grade_id>/variant_*.py`` (must get full marks),
* every shortcut in ``tests/corpus/<notebook>/<grade_id>/shortcut_*.py`` (an answer that uses
  what the course's policy refuses: must lose every point of its exercise, with status
  ``shortcut`` and a detail that names the function).

A corpus file is the whole source of one answer cell; the submission holds the
solution in every other answer cell.
"""

from __future__ import annotations

import functools
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import nbformat

from autograder.course import available_notebooks, repo_root, solutions_dir
from autograder.grading.pipeline import grade_class
from autograder.grading.policy import Exercises, exercises
from autograder.grading.results import Result
from autograder.notebook import read_released, solution_answers, with_answers
from autograder.settings import AUDIT_BATCH_SIZE, AUDIT_JOBS, Settings

CORPUS_KINDS = ("mutant", "variant", "shortcut")


@dataclass(frozen=True)
class Case:
    """One submission of the audit and what it must get."""

    notebook: str
    kind: str  # solution, blank, mutant, variant, shortcut
    grade_id: str
    name: str
    description: str

    @property
    def student(self) -> str:
        return "--".join(part for part in (self.kind, self.grade_id, self.name) if part)


def corpus_dir() -> Path:
    return repo_root() / "tests" / "corpus"


def solution_sources(notebook: str) -> dict[str, str]:
    """``{grade_id: source}`` of the solution's answer cells, without the solution markers."""
    return solution_answers(notebook)


def student_notebook(notebook: str, answers: dict[str, str]) -> nbformat.NotebookNode:
    """The released student notebook with the given answer cells filled in."""
    return with_answers(read_released(notebook), answers)


def describe(source: str) -> str:
    match = re.match(r'\s*(?:"""|\'\'\'|#)\s*(.+?)(?:"""|\'\'\'|\n|$)', source)
    return match.group(1).strip() if match else ""


def corpus_cases(notebook: str) -> list[tuple[Case, str]]:
    """Mutants, variants and shortcuts of a notebook with their answer-cell source."""
    cases = []
    folder = corpus_dir() / notebook
    for path in sorted(folder.glob("*/*.py")):
        kind, _, name = path.stem.partition("_")
        if kind not in CORPUS_KINDS:
            continue
        source = path.read_text(encoding="utf-8")
        cases.append((Case(notebook, kind, path.parent.name, name, describe(source)), source))
    return cases


def build_submissions(notebooks: list[str], folder: Path) -> list[Case]:
    """Write every audit submission to ``folder/<case>/<notebook>.ipynb``; return the cases."""
    cases = []
    for notebook in notebooks:
        solution = solution_sources(notebook)
        entries = [
            (Case(notebook, "solution", "", "", "the instructor's solution"), solution),
            (Case(notebook, "blank", "", "", "the unmodified student notebook"), {}),
        ]
        for case, source in corpus_cases(notebook):
            if case.grade_id not in solution:
                raise ValueError(
                    f"corpus folder {case.grade_id!r} is not an answer cell of {notebook}"
                )
            entries.append((case, {**solution, case.grade_id: source}))
        for case, answers in entries:
            path = folder / case.student / f"{notebook}.ipynb"
            path.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(student_notebook(notebook, answers), path)
            cases.append(case)
    return cases


def verdict(case: Case, result: Result) -> tuple[bool, str]:
    """Whether the case got what it must, and a short explanation."""
    full = result.score == result.max_score and result.status == "ok"
    if case.kind in ("solution", "variant"):
        return (
            full,
            "full marks" if full else f"{result.score:g}/{result.max_score:g} {result.status}",
        )
    if case.kind == "blank":
        zero = result.score == 0 and result.status == "ok"
        return (
            zero,
            "0 points" if zero else f"{result.score:g}/{result.max_score:g} {result.status}",
        )
    if case.kind == "shortcut":
        return refused(case, result)
    lost = [cell for cell, (score, top) in result.cells.items() if score < top]
    killed = result.score < result.max_score
    return killed, ("killed by " + ", ".join(lost)) if killed else "SURVIVED (full marks)"


@functools.cache
def _exercises(notebook: str) -> Exercises:
    return exercises(nbformat.read(solutions_dir() / f"{notebook}.ipynb", as_version=4))


def refused(case: Case, result: Result) -> tuple[bool, str]:
    """A shortcut must lose every point of its exercise, as a ``shortcut`` naming the function."""
    known = _exercises(case.notebook)
    name, tests = known.names[case.grade_id], known.tests[case.grade_id]
    kept = [test for test in tests if result.cells.get(test, [0.0])[0] > 0]
    named = f"{name}: uses " in result.detail
    if result.status == "shortcut" and named and not kept:
        used = result.detail.split(f"{name}: uses ", 1)[1].split(" ", 1)[0]
        return True, f"refused: {name} uses {used}"
    return False, f"NOT REFUSED: {result.score:g}/{result.max_score:g} {result.status}" + (
        f", kept {', '.join(kept)}" if kept else ""
    )


def run_audit(
    notebooks: list[str] | None = None,
    jobs: int = AUDIT_JOBS,
    out: Path | None = None,
    batch_size: int = AUDIT_BATCH_SIZE,
) -> int:
    """Grade every audit case and print a table per notebook; exit status 1 if any case fails.

    Each audit case is one "student"; ``batch_size`` of them share one nbgrader run
    (nbgrader itself takes seconds to start).
    """
    names = notebooks or available_notebooks()
    with tempfile.TemporaryDirectory(prefix="in5400-audit-") as tmp:
        work = out or Path(tmp)
        submissions = work / "submissions"
        cases = build_submissions(names, submissions)
        # Every verdict below is decided by full marks or not: a result that lost points in
        # the re-check needs no kernel run, which could only take more away.
        settings = Settings(
            out=work / "graded",
            jobs=jobs,
            feedback=False,
            batch_size=batch_size,
            recheck_only_full_marks=True,
        )
        results = {(r.student, r.notebook): r for r in grade_class(submissions, settings, names)}
    return report(cases, results)


def report(cases: list[Case], results: dict[tuple[str, str], Result]) -> int:
    """Print every case and a summary table; return 1 if any case did not get what it must."""
    failures, summary = 0, []
    for notebook in dict.fromkeys(case.notebook for case in cases):
        print(f"\n{notebook}")
        counts = {kind: [0, 0] for kind in ("solution", "blank", "mutant", "variant", "shortcut")}
        for case in (c for c in cases if c.notebook == notebook):
            ok, why = verdict(case, results[(case.student, notebook)])
            failures += not ok
            counts[case.kind][0] += ok
            counts[case.kind][1] += 1
            label = f"{case.kind} {case.grade_id} {case.name}".strip()
            print(f"  {'ok ' if ok else 'BAD'} {label:<58} {why}")
        summary.append((notebook, counts))
    print(
        "\n| notebook | solution full marks | blank gets 0 | mutants killed | variants accepted "
        "| shortcuts refused |"
    )
    print("|---|---|---|---|---|---|")
    for notebook, counts in summary:
        cells = [f"{good}/{total}" for good, total in counts.values()]
        print(f"| {notebook} | " + " | ".join(cells) + " |")
    print("\nall audit cases behave" if not failures else f"\n{failures} audit case(s) misbehave")
    return 1 if failures else 0
