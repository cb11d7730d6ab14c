"""How well ``in5400 similarity`` separates copied answer cells from honest ones, and how fast.

1. Quality: a generated class (``tests/similarity_class.py``): one honest student per
   independently written implementation of each exercise (the solution and the audit's
   variants) and copiers who hand in a disguised copy of one honest student's cell
   (local variables renamed, independent statements swapped, comments and docstring
   rewritten, reformatted). Prints, over the copied pairs of exercises long enough to
   compare, the share ranked above every honest pair, and precision = recall of the top
   K of the ranking (K = number of copied pairs).
2. Speed: a class of ``--students`` students (each cell drawn from the honest and the
   disguised implementations), ranked with ``--jobs`` processes.

    python benchmarks/similarity_quality.py --seed 1 --students 300 --jobs 2
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from autograder.audit import student_notebook  # noqa: E402
from autograder.course import available_notebooks  # noqa: E402
from autograder.similarity import collect_answers, rank_all  # noqa: E402
from tests.similarity_class import disguise, honest_implementations, write_class  # noqa: E402


def quality(notebooks: list[str], seed: int, copiers: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        copied, honest = write_class(Path(tmp), notebooks, copiers, seed)
        pairs = rank_all(collect_answers(Path(tmp), notebooks), progress=False)
    key = {(p.notebook, p.exercise, *sorted((p.student_a, p.student_b))): p for p in pairs}
    comparable = [c for c in copied if c in key]
    best_honest = max((key[h].score for h in honest if h in key), default=0.0)
    above = sum(key[c].score > best_honest for c in comparable)
    ranked = sorted(key, key=lambda k: -key[k].score)
    top = set(ranked[: len(comparable)])
    hits = len(top & set(comparable))
    print(f"class: {len(copied)} copied pairs, {len(honest)} honest pairs, seed {seed}")
    print(f"copied pairs long enough to compare: {len(comparable)} of {len(copied)}")
    print(
        f"ranked above every honest pair: {above}/{len(comparable)} = "
        f"{above / len(comparable):.1%} (best honest score {best_honest:.2f})"
    )
    print(f"top {len(comparable)}: precision = recall = {hits / len(comparable):.1%}")


def speed(notebooks: list[str], students: int, jobs: int, seed: int) -> None:
    rng = random.Random(seed)
    pool = {
        (nb, ex): sources + [disguise(s, seed=i) for i, s in enumerate(sources)]
        for nb in notebooks
        for ex, sources in honest_implementations(nb).items()
    }
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(students):
            for nb in notebooks:
                cells = {ex: rng.choice(pool[(n, ex)]) for (n, ex) in pool if n == nb}
                path = Path(tmp) / f"s{i:03d}" / f"{nb}.ipynb"
                path.parent.mkdir(parents=True, exist_ok=True)
                nbformat.write(student_notebook(nb, cells), path)
        start = time.perf_counter()
        answers = collect_answers(Path(tmp), notebooks)
        pairs = rank_all(answers, jobs=jobs)
        seconds = time.perf_counter() - start
    print(
        f"{students} students, {len(answers)} answer cells, {len(pairs)} pairs compared: "
        f"{seconds:.1f} s with {jobs} processes"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--copiers", type=int, default=3, help="copiers per exercise")
    parser.add_argument("--students", type=int, default=300)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    notebooks = available_notebooks()
    quality(notebooks, args.seed, args.copiers)
    speed(notebooks, args.students, args.jobs, args.seed)


if __name__ == "__main__":
    main()
