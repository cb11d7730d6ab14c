"""The students' real data: a full-size CIFAR-10 (50,000 / 10,000 images).

A stand-in in the official format is built from the real subset (``tests/full_size_cifar``);
the loader must take it exactly as the real archive, and a TA grading where the real
archive is must get the scores the audit requires on the subset. The notebooks that load
CIFAR-10 run on it in JupyterLab, within a laptop's memory (``tests/browser``,
``make test-browser``).
"""

from __future__ import annotations

import csv
import os
import subprocess
import time
from pathlib import Path

import nbformat
import pytest

from autograder.audit import corpus_cases
from autograder.notebook import read_released, solution_answers, with_answers
from in5400lib.data import load_cifar10

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]


def test_the_loader_takes_the_stand_in_as_the_real_archive(full_size: Path) -> None:
    data = load_cifar10(full_size)
    assert data.x_train.shape == (50_000, 3, 32, 32) and data.x_train.dtype.name == "uint8"
    assert data.x_test.shape == (10_000, 3, 32, 32) and data.y_test.shape == (10_000,)
    assert "full set" in data.source
    assert sorted(set(data.y_train.tolist())) == list(range(10))


def test_grading_on_full_size_data_gives_the_deserved_scores(
    full_size: Path, tmp_path: Path
) -> None:
    """A TA grades where the real archive is: the setup cells load 50,000 images, the solution
    gets full marks and a mutant loses points, as the audit requires on the subset."""
    notebooks = ["06_visualization", "07_cifar10_cnn_vs_dense"]
    for notebook in notebooks:
        solved = solution_answers(notebook)
        case, mutant = next((c, src) for c, src in corpus_cases(notebook) if c.kind == "mutant")
        for student, answers in (("perfect", solved), ("wrong", {**solved, case.grade_id: mutant})):
            path = tmp_path / "class" / student / f"{notebook}.ipynb"
            path.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(with_answers(read_released(notebook), answers), path)
    out = tmp_path / "graded"
    command = [str(ROOT / ".venv" / "bin" / "in5400"), "grade", str(tmp_path / "class")]
    command += ["--out", str(out), "--no-feedback"]
    for notebook in notebooks:
        command += ["--notebook", notebook]
    start = time.perf_counter()
    done = subprocess.run(
        command,
        env={**os.environ, "IN5400_DATA_DIR": str(full_size)},
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - start
    print(f"grading 2 students x {len(notebooks)} notebooks on full-size data: {seconds:.0f} s")
    assert done.returncode == 0, done.stderr
    with open(out / "grades.csv", newline="", encoding="utf-8") as handle:
        rows = {(r["student"], r["notebook"]): r for r in csv.DictReader(handle)}
    assert sorted(rows) == sorted((s, n) for s in ("perfect", "wrong") for n in notebooks)
    for notebook in notebooks:
        perfect, wrong = rows[("perfect", notebook)], rows[("wrong", notebook)]
        assert (perfect["status"], perfect["score"]) == ("ok", perfect["max_score"]), perfect
        assert wrong["status"] == "ok" and float(wrong["score"]) < float(wrong["max_score"]), wrong
