"""The ``in5400`` command: release notebooks, check a notebook, grade a class, audit the tests."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from autograder.course import NOTEBOOKS


def _shard(text: str) -> tuple[int, int]:
    index, _, count = text.partition("/")
    i, n = int(index), int(count)
    if not 1 <= i <= n:
        raise argparse.ArgumentTypeError(f"shard must be I/N with 1 <= I <= N, got {text}")
    return i, n


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="in5400", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    release = commands.add_parser(
        "release", help="regenerate notebooks/ from solutions/ with nbgrader"
    )
    release.add_argument("--check", action="store_true", help="only report notebooks that drifted")

    check = commands.add_parser("check", help="run a notebook and report its public tests")
    check.add_argument("notebook", type=Path)
    check.add_argument("--timeout", type=int, default=120, help="seconds per cell")

    grade = commands.add_parser("grade", help="grade SUBMISSIONS/<student>/<notebook>.ipynb")
    grade.add_argument("submissions", type=Path, help="folder of student folders, or an LMS zip")
    grade.add_argument("--out", type=Path, required=True)
    grade.add_argument("--jobs", type=int, default=1, help="parallel workers")
    grade.add_argument("--timeout", type=int, default=60, help="seconds per cell")
    grade.add_argument("--notebook-timeout", type=int, default=300, help="seconds per notebook")
    grade.add_argument("--memory", type=float, default=6.0, help="GiB of memory per student kernel")
    grade.add_argument(
        "--notebook", action="append", choices=NOTEBOOKS, help="only these notebooks"
    )
    grade.add_argument("--shard", type=_shard, help="I/N: grade only shard I of N (by student id)")
    grade.add_argument("--batch-size", type=int, default=4, help="students per nbgrader run")
    grade.add_argument("--no-feedback", action="store_true")
    grade.add_argument("--no-recheck", action="store_true", help="skip the trusted re-check")
    grade.add_argument(
        "--lms-pattern",
        help="regular expression with groups student_id and file_id for the file names in an LMS "
        "zip (default: Canvas bulk download names)",
    )

    merge = commands.add_parser("merge", help="combine shard results into OUT/grades.csv")
    merge.add_argument("out", type=Path)

    audit = commands.add_parser("audit", help="grade solutions, blanks, mutants and variants")
    audit.add_argument("--notebook", action="append", choices=NOTEBOOKS)
    audit.add_argument("--jobs", type=int, default=2)
    audit.add_argument("--out", type=Path, help="keep the work folder here")

    args = parser.parse_args(argv)
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


def _grade(args: argparse.Namespace) -> int:
    from autograder.grading.pipeline import grade_class
    from autograder.lms import unpack_if_zip
    from autograder.sandbox.hide import hiding_problem
    from autograder.settings import Settings

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
    unchecked = sum("not re-checked" in result.detail for result in results)
    if unchecked:
        print(f"{unchecked} notebooks have test cells that were not re-checked (see detail)")
    if exposed:
        print(f"WARNING: {exposed}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
