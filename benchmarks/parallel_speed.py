"""How well does `in5400 grade --jobs 2` use a second core? `--jobs 1` vs `--jobs 2` on one class.

The class is `grading_speed.generated_class`'s (perfect, blank and wrong students by turns,
every notebook), large enough that the one-off costs of a grading process (its start, its
zygotes, torch's first steps: about 10 s each) weigh as they do for a real class; plain
nbgrader is left out (40 to 90 s per student). Both runs grade the same files, one after
the other, each `in5400 grade` in a fresh process.

    python benchmarks/parallel_speed.py --students 48
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

from grading_speed import generated_class, ours


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=48)
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="parallel-bench-") as tmp:
        root = Path(tmp)
        notebooks, _ = generated_class(root, args.students)
        serial = ours(root / "submissions", root / "serial", notebooks, jobs=1)
        parallel = ours(root / "submissions", root / "parallel", notebooks, jobs=2)
    print()
    print("| run | wall time (s) | s per student |")
    print("|---|---:|---:|")
    for label, seconds in [("`--jobs 1`", serial), ("`--jobs 2`", parallel)]:
        print(f"| {label} | {seconds:.1f} | {seconds / args.students:.2f} |")
    print(f"\nparallel speed-up, --jobs 2 vs --jobs 1: {serial / parallel:.2f}x")
    print(f"load average (1 min) before and after: {load_before:.2f}, {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
