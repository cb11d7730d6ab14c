"""``in5400 similarity``: copied answer cells rank above independently written ones."""

from __future__ import annotations

import csv

import pytest

from autograder.cli import main
from autograder.similarity import Answer, rank_exercise, starter_hashes
from tests.similarity_class import disguise, honest_implementations, write_class

NOTEBOOKS = ["02_padding_stride", "04_pooling"]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("class")
    copied, honest = write_class(folder, NOTEBOOKS, copiers_per_exercise=2, seed=3)
    out = folder.parent / "similarity-out"
    assert main(["similarity", str(folder), "--out", str(out), "--jobs", "1"]) == 0
    with open(out / "similarity.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return copied, honest, rows, out


def _key(row: dict[str, str]) -> tuple[str, str, str, str]:
    return (row["notebook"], row["exercise"], *sorted((row["student_a"], row["student_b"])))


def test_copied_pairs_rank_above_every_honest_pair(generated) -> None:
    copied, honest, rows, _ = generated
    scores = {_key(row): float(row["score"]) for row in rows}
    listed = [c for c in copied if c in scores]
    best_honest = max((scores[h] for h in honest if h in scores), default=0.0)
    assert len(listed) >= 0.9 * len(copied), "most copied pairs reach the threshold"
    above = [c for c in listed if scores[c] > best_honest]
    assert len(above) >= 0.9 * len(listed), (len(above), len(listed), best_honest)


def test_the_csv_is_ranked_and_the_report_highlights_matches(generated) -> None:
    _, _, rows, out = generated
    scores = [float(row["score"]) for row in rows]
    assert scores == sorted(scores, reverse=True) and scores[0] > 0.9
    page = (out / "similarity.html").read_text()
    assert page.count('<table class="pair">') >= 2 and "<mark>" in page


def test_a_blank_or_starter_cell_matches_nobody() -> None:
    notebook, exercise = "02_padding_stride", "conv2d"
    starter = '''def conv2d(x, w, b=None, stride=1, padding=0):
    """..."""
    # YOUR CODE HERE
    raise NotImplementedError()
'''
    solved = honest_implementations(notebook)[exercise][0]
    answers = [
        Answer("a", notebook, exercise, starter),
        Answer("b", notebook, exercise, starter),
        Answer("c", notebook, exercise, solved),
        Answer("d", notebook, exercise, disguise(solved, seed=5)),
    ]
    pairs = rank_exercise(answers, starter_hashes(notebook, exercise))
    assert [(p.student_a, p.student_b) for p in pairs] == [("c", "d")]
    assert pairs[0].score > 0.8
