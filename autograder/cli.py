"""The ``in5400`` command: release notebooks, check a notebook, grade a class, audit the tests."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from autograder.course import NOTEBOOKS
from autograder.settings import AUDIT_JOBS, CHECK_CELL_TIMEOUT, ONE_THREAD_ENV, Settings


def _shard(text: str) -> tuple[int, int]:
    index, _, count = text.partition("/")
    i, n = int(index), int(count)
    if not 1 <= i <= n:
        raise argparse.ArgumentTypeError(f"shard must be I/N with 1 <= I <= N, got {text}")
    return i, n


def build_parser() -> argparse.ArgumentParser:
    """The ``in5400`` command line; every default comes from ``autograder.settings``."""
    parser = argparse.ArgumentParser(prog="in5400", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    release = commands.add_parser(
        "release", help="regenerate notebooks/ from solutions/ with nbgrader"
    )
    release.add_argument("--check", action="store_true", help="only report notebooks that drifted")

    check = commands.add_parser("check", help="run a notebook and report its public tests")
    check.add_argument("notebook", type=Path)
    check.add_argument("--timeout", type=int, default=CHECK_CELL_TIMEOUT, help="seconds per cell")

    _add_grade_parser(commands)

    merge = commands.add_parser("merge", help="combine shard results into OUT/grades.csv")
    merge.add_argument("out", type=Path)

    audit = commands.add_parser("audit", help="grade solutions, blanks, mutants and variants")
    audit.add_argument("--notebook", action="append", choices=NOTEBOOKS)
    audit.add_argument("--jobs", type=int, default=AUDIT_JOBS)
    audit.add_argument("--out", type=Path, help="keep the work folder here")

    _add_after_grading_parsers(commands)
    return parser


def _add_after_grading_parsers(commands: argparse._SubParsersAction) -> None:
    """``in5400 similarity`` and ``in5400 export``: what a TA does after grading."""
    similarity = commands.add_parser(
        "similarity", help="rank pairs of students whose answer cells look copied"
    )
    similarity.add_argument("submissions", type=Path, help="SUBMISSIONS/<student>/<nb>.ipynb")
    similarity.add_argument("--out", type=Path, required=True)
    similarity.add_argument("--notebook", action="append", choices=NOTEBOOKS)
    similarity.add_argument("--jobs", type=int, default=2, help="parallel processes")
    similarity.add_argument(
        "--threshold", type=float, default=0.5, help="lowest score listed (0-1)"
    )
    similarity.add_argument("--top", type=int, default=10, help="pairs per exercise in the HTML")

    export = commands.add_parser(
        "export", help="one row per student: OUT/grades-wide.csv or a Canvas import file"
    )
    export.add_argument("out", type=Path)
    export.add_argument("--format", choices=("wide", "canvas"), default="wide")
    export.add_argument(
        "--roster", type=Path, help="a Canvas gradebook export: copy its student id columns"
    )
    export.add_argument(
        "--canvas-assignment",
        action="append",
        default=[],
        metavar="NOTEBOOK=ID",
        help="the Canvas assignment id of a notebook (else Canvas creates the assignment)",
    )


def _add_grade_parser(commands: argparse._SubParsersAction) -> None:
    grade = commands.add_parser("grade", help="grade SUBMISSIONS/<student>/<notebook>.ipynb")
    grade.add_argument("submissions", type=Path, help="folder of student folders, or an LMS zip")
    grade.add_argument("--out", type=Path, required=True)
    grade.add_argument("--jobs", type=int, default=Settings.jobs, help="parallel workers")
    grade.add_argument(
        "--timeout", type=int, default=Settings.cell_timeout, help="seconds per cell"
    )
    grade.add_argument(
        "--notebook-timeout",
        type=int,
        default=Settings.notebook_timeout,
        help="seconds per notebook",
    )
    grade.add_argument(
        "--memory",
        type=float,
        default=Settings.memory_bytes / 2**30,
        help="GiB of memory per student kernel",
    )
    grade.add_argument(
        "--notebook", action="append", choices=NOTEBOOKS, help="only these notebooks"
    )
    grade.add_argument("--shard", type=_shard, help="I/N: grade only shard I of N (by student id)")
    grade.add_argument(
        "--batch-size",
        type=int,
        default=Settings.batch_size,
        help="most students per batch (one nbgrader run each)",
    )
    grade.add_argument("--no-feedback", action="store_true")
    grade.add_argument("--no-recheck", action="store_true", help="skip the trusted re-check")
    grade.add_argument(
        "--lms-pattern",
        help="regular expression with groups student_id and file_id for the file names in an LMS "
        "zip (default: Canvas bulk download names)",
    )


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "release":
        return _release(args.check)
    if args.command == "check":
        from autograder.student.check import check_notebook

        return check_notebook(args.notebook, timeout=args.timeout)
    if args.command == "grade":
        return _grade(args)
    if args.command == "merge":
        from autograder.grading.results import merge as merge_results

        results = merge_results(args.out)
        print(f"{len(results)} rows written to {args.out / 'grades.csv'}")
        return 0
    if args.command == "similarity":
        from autograder.similarity import report

        pairs = report(
            args.submissions, args.out, args.notebook, args.jobs, args.threshold, args.top
        )
        flagged = sum(p.score >= args.threshold for p in pairs)
        print(
            f"{flagged} of {len(pairs)} compared pairs score {args.threshold:.0%} or more; see "
            f"{args.out / 'similarity.html'}"
        )
        return 0
    if args.command == "export":
        return _export(args)
    if args.command == "audit":
        from autograder.audit import run_audit

        return run_audit(args.notebook, jobs=args.jobs, out=args.out)
    return 2


def _release(check_only: bool) -> int:
    from autograder.release import drifted, release

    if check_only:
        stale = drifted()
        for name in stale:
            print(f"notebooks/{name}.ipynb differs from what solutions/{name}.ipynb generates")
        return 1 if stale else 0
    for path in release():
        print(f"wrote {path}")
    return 0


def _export(args: argparse.Namespace) -> int:
    from autograder.export import export

    ids = dict(item.partition("=")[::2] for item in args.canvas_assignment)
    try:
        path = export(args.out, args.format, args.roster, ids)
    except (FileNotFoundError, ValueError) as error:
        print(f"in5400 export: {error}", file=sys.stderr)
        return 2
    print(f"wrote {path}")
    return 0


def _grade(args: argparse.Namespace) -> int:
    # Before numpy and torch are imported: this process and the workers it spawns grade on
    # one core each (ONE_THREAD_ENV).
    os.environ.update(ONE_THREAD_ENV)
    from autograder.grading.pipeline import grade_class
    from autograder.lms import unpack_if_zip
    from autograder.sandbox.hide import hiding_problem

    pattern = {"pattern": args.lms_pattern} if args.lms_pattern else {}
    settings = Settings(
        out=args.out,
        jobs=args.jobs,
        cell_timeout=args.timeout,
        notebook_timeout=args.notebook_timeout,
        memory_bytes=int(args.memory * 2**30),
        batch_size=args.batch_size,
        feedback=not args.no_feedback,
        recheck=not args.no_recheck,
    )
    try:
        submissions = unpack_if_zip(args.submissions, args.out, **pattern)
    except ValueError as error:
        print(f"in5400 grade: {error}", file=sys.stderr)
        return 2
    exposed = hiding_problem()
    if exposed:
        print(f"in5400 grade: WARNING: {exposed}", file=sys.stderr)
    results = grade_class(submissions, settings, args.notebook, args.shard)
    counts: dict[str, int] = {}
    for result in results:
        counts[result.status] = counts.get(result.status, 0) + 1
    summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
    where = "shard results in" if args.shard else "grades in"
    print(f"graded {len(results)} notebooks ({summary}); {where} {args.out}")
    print(policy_summary(results))
    unchecked = sum("not re-checked" in result.detail for result in results)
    if unchecked:
        print(f"{unchecked} notebooks have test cells that were not re-checked (see detail)")
    if exposed:
        print(f"WARNING: {exposed}")
    return 0


def policy_summary(results: list) -> str:
    """How many notebooks used what their exercises forbid, and how many a TA should read."""
    shortcuts = sum(result.status == "shortcut" for result in results)
    review = sum(bool(result.review) for result in results)
    return (
        f"{shortcuts} notebook(s) used a shortcut the policy refuses (status shortcut); "
        f"{review} use dynamic access the grader cannot resolve: see 'to review' in detail"
    )


if __name__ == "__main__":
    sys.exit(main())
