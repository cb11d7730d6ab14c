"""How well does `in5400 grade --jobs 2` use a second core? `--jobs 1` vs `--jobs 2` on one class.

The class is `grading_speed.generated_class`'s (perfect, blank and wrong students by turns,
every notebook), large enough that the one-off costs of a grading run (its imports, the
zygotes' start, its exit: about 4 s) weigh as they do for a real class (``--students 12``
shows them weigh on a small one);
plain nbgrader is left out (40 to 90 s per student). Both runs grade the same files, one after
the other, each `in5400 grade` in a fresh process. For comparison, the machine's own
ceiling: a plain Python loop in one process, then in two side by side.

    python benchmarks/parallel_speed.py --students 48
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import tempfile
import time
from pathlib import Path

from grading_speed import generated_class, ours


def spin(steps: int = 30_000_000) -> float:
    """Seconds a plain Python loop of ``steps`` steps takes (CPU only, little memory)."""
    start = time.perf_counter()
    total = 0
    for step in range(steps):
        total += step * step
    return time.perf_counter() - start


def machine_ceiling() -> float:
    """How much faster two processes finish two loops than one process finishes one twice."""
    alone = min(spin() for _ in range(3))
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        pool.map(spin, [1, 1])  # both started
        side_by_side = min(max(pool.map(spin, [30_000_000] * 2)) for _ in range(3))
    return 2 * alone / side_by_side


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
    print(f"the machine's ceiling, a Python loop in 2 processes vs 1: {machine_ceiling():.2f}x")
    print(f"load average (1 min) before and after: {load_before:.2f}, {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
