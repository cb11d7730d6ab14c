"""How fast is `in5400 grade`? Plain nbgrader (serial) vs `in5400 grade --jobs 1` vs `--jobs 2`.

A generated class: each student hands in every notebook that has a solution; a
third of them perfect (the solution), a third blank (the student version), a
third wrong (one mutant from the audit corpus per notebook). All three runs grade
the same files in one benchmark run, one after the other, each in a fresh process,
so the ratios compare like with like.

    python benchmarks/grading_speed.py --students 40
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from autograder.audit import corpus_cases, solution_sources, student_notebook
from autograder.course import ASSIGNMENT, available_notebooks
from autograder.grading.environment import prepare
from autograder.nbgrader_plugins.run import nbgrader
from autograder.settings import FAST_ENV, THREADS_ENV, Settings

KINDS = ("perfect", "blank", "wrong")


def make_class(
    folder: Path, students: int, notebooks: list[str], kinds: tuple[str, ...] = KINDS
) -> None:
    """``students`` students handing in every notebook, by turns of ``kinds``: the solution
    (perfect), the student version (blank), one mutant of the audit corpus (wrong)."""
    for index in range(students):
        kind = kinds[index % len(kinds)]
        for name in notebooks:
            answers = solution_sources(name) if kind != "blank" else {}
            if kind == "wrong":
                mutants = [(c, s) for c, s in corpus_cases(name) if c.kind == "mutant"]
                if mutants:
                    case, source = mutants[index % len(mutants)]
                    answers = {**answers, case.grade_id: source}
            path = folder / f"student{index:03d}" / f"{name}.ipynb"
            path.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(student_notebook(name, answers), path)


def plain_nbgrader(submissions: Path, work: Path, notebooks: list[str]) -> float:
    """One `nbgrader autograde` over the whole class in a standard course directory."""
    settings = Settings(out=work)
    template = prepare(settings, notebooks)
    course = work / "plain"
    shutil.copytree(template, course)
    for student in sorted(submissions.iterdir()):
        target = course / "submitted" / student.name / ASSIGNMENT
        shutil.copytree(student, target)
    env = {
        FAST_ENV: "1",
        THREADS_ENV: "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
    }
    start = time.perf_counter()
    result = nbgrader(course, "autograde", ASSIGNMENT, "--force", env=env)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise RuntimeError(result.stdout[-2000:])
    return elapsed


def ours(submissions: Path, out: Path, notebooks: list[str], jobs: int) -> float:
    """``in5400 grade --jobs JOBS`` (re-check and feedback on) in a process of its own, as a TA
    runs it; the template gradebook, built once per course, is built before the timing."""
    prepare(Settings(out=out), notebooks)
    command = [str(Path(sys.executable).with_name("in5400")), "grade", str(submissions)]
    command += ["--out", str(out), "--jobs", str(jobs)]
    for name in notebooks:
        command += ["--notebook", name]
    start = time.perf_counter()
    subprocess.run(command, check=True)
    return time.perf_counter() - start


def generated_class(root: Path, students: int) -> tuple[list[str], int]:
    """``make_class`` in ``root/submissions`` with every notebook; its notebooks and count."""
    notebooks = available_notebooks()
    make_class(root / "submissions", students, notebooks)
    count = students * len(notebooks)
    cores = os.cpu_count()
    print(f"{students} students x {len(notebooks)} notebooks = {count} notebooks, {cores} cores")
    return notebooks, count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=12)
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="grading-bench-") as tmp:
        root = Path(tmp)
        notebooks, count = generated_class(root, args.students)
        plain = plain_nbgrader(root / "submissions", root / "plain-out", notebooks)
        serial = ours(root / "submissions", root / "serial", notebooks, jobs=1)
        parallel = ours(root / "submissions", root / "parallel", notebooks, jobs=2)
    print()
    print("| run | wall time (s) | s per notebook | s per student | speed-up vs plain nbgrader |")
    print("|---|---:|---:|---:|---:|")
    for label, seconds in [
        ("plain `nbgrader autograde` (serial, no re-check, no feedback)", plain),
        ("`in5400 grade --jobs 1` (re-check + feedback)", serial),
        ("`in5400 grade --jobs 2` (re-check + feedback)", parallel),
    ]:
        print(
            f"| {label} | {seconds:.1f} | {seconds / count:.2f} | {seconds / args.students:.1f} "
            f"| {plain / seconds:.2f}x |"
        )
    print(f"\nparallel speed-up, --jobs 2 vs --jobs 1: {serial / parallel:.2f}x")
    print(f"load average (1 min) before and after: {load_before:.2f}, {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
