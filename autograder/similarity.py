"""``in5400 similarity SUBMISSIONS --out OUT``: answer cells that look copied, ranked.

For every exercise (answer cell, by its nbgrader grade id) all pairs of students are
compared with copydetect (winnowed k-gram fingerprints, the method of MOSS: Schleimer,
Wilkerson and Aiken, SIGMOD 2003). copydetect's tokenizer already drops what does not
matter for copying: comments, whitespace and formatting; every name becomes one symbol
and every string (docstrings included) another, so renamed variables change nothing.
The starter text of the student notebook's answer cell (signature, docstring, stub) is
*boilerplate*: its fingerprints are removed before comparing, so a blank or a barely
started cell matches nobody. Cells with fewer than ``min_tokens`` fingerprinted tokens
after that (one-liners such as ``return a * b``) are not compared: any two honest
answers look alike there.

A pair's score is the mean of two shares: the share of each cell's fingerprints that the
other cell also has (0 to 1); copydetect's own token-level comparison marks the shared
parts in the report. Output:

* ``OUT/similarity.csv``: every compared pair with a score of at least ``threshold``,
  best first: ``notebook, exercise, student_a, student_b, score, tokens_a, tokens_b``;
* ``OUT/similarity.html``: the ``top`` pairs per exercise, the two cells side by side with
  the matching parts highlighted.

A high score is a reason to look, not a verdict: short exercises with one natural
solution match more often, so read the report ranked per exercise.
"""

from __future__ import annotations

import csv
import html
import io
import itertools
import json
from collections.abc import Iterable
from dataclasses import dataclass
from multiprocessing import Pool
from pathlib import Path

import numpy as np
from copydetect.detector import CodeFingerprint, compare_files
from copydetect.utils import highlight_overlap
from tqdm import tqdm

from autograder.course import available_notebooks, notebooks_dir

#: copydetect's noise threshold k (shortest match that counts) and winnowing window.
K = 12
WINDOW = 3
MIN_TOKENS = 25
#: Pairs scoring less are dropped at once (a class of 300 has 44,850 pairs per exercise).
FLOOR = 0.2


@dataclass(frozen=True)
class Answer:
    """One student's answer cell for one exercise."""

    student: str
    notebook: str
    exercise: str
    source: str


@dataclass(frozen=True)
class Pair:
    """Two students' answers to one exercise and how much of them matches."""

    notebook: str
    exercise: str
    student_a: str
    student_b: str
    score: float
    tokens_a: int
    tokens_b: int


def answer_cells(path: Path) -> dict[str, str]:
    """``{grade_id: source}`` of a notebook's answer cells; ``{}`` for an unreadable file."""
    try:
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    answers = {}
    for cell in cells if isinstance(cells, list) else []:
        meta = cell.get("metadata", {}).get("nbgrader", {}) if isinstance(cell, dict) else {}
        if meta.get("solution") and meta.get("grade_id") and cell.get("cell_type") == "code":
            source = cell.get("source", "")
            answers[meta["grade_id"]] = "".join(source) if isinstance(source, list) else source
    return answers


def collect_answers(submissions: Path, notebooks: Iterable[str]) -> list[Answer]:
    """Every answer cell of ``SUBMISSIONS/<student>/<notebook>.ipynb``."""
    answers = []
    for folder in sorted(p for p in submissions.iterdir() if p.is_dir()):
        for notebook in notebooks:
            for exercise, source in answer_cells(folder / f"{notebook}.ipynb").items():
                answers.append(Answer(folder.name, notebook, exercise, source))
    return answers


def fingerprint(source: str, boilerplate: np.ndarray | None = None) -> CodeFingerprint:
    """copydetect's fingerprint of one Python cell, minus the boilerplate's hashes."""
    return CodeFingerprint(
        "cell.py",
        K,
        WINDOW,
        boilerplate=boilerplate if boilerplate is not None else [],
        fp=io.StringIO(source),
        language="python",
    )


def starter_hashes(notebook: str, exercise: str) -> np.ndarray:
    """Fingerprint hashes of the student notebook's given text for one exercise."""
    starter = answer_cells(notebooks_dir() / f"{notebook}.ipynb").get(exercise, "")
    return np.array(sorted(fingerprint(starter).hashes), dtype=np.int64)


def rank_exercise(
    answers: list[Answer],
    boilerplate: np.ndarray,
    min_tokens: int = MIN_TOKENS,
    floor: float = FLOOR,
) -> list[Pair]:
    """The pairs of one exercise's answers scoring at least ``floor``, best first.

    With ``H_a`` the set of fingerprint hashes of cell ``a``, a pair's score is
    ``(|H_a & H_b| / |H_a| + |H_a & H_b| / |H_b|) / 2``. Every pair's intersection
    comes from one matrix product (students x hashes), so a class of 300 costs about
    a second per exercise.
    """
    cache: dict[str, CodeFingerprint] = {}  # identical cells (blank ones...) once
    for answer in answers:
        if answer.source not in cache:
            cache[answer.source] = fingerprint(answer.source, boilerplate)
    prints = [(a, cache[a.source]) for a in answers]
    prints = [(a, fp) for a, fp in prints if fp.token_coverage >= min_tokens and len(fp.hashes)]
    if len(prints) < 2:
        return []
    hashes = [np.unique(np.fromiter(fp.hashes, dtype=np.int64)) for _, fp in prints]
    vocabulary = np.unique(np.concatenate(hashes))
    member = np.zeros((len(prints), len(vocabulary)), dtype=np.float32)
    for row, h in enumerate(hashes):
        member[row, np.searchsorted(vocabulary, h)] = 1.0
    shared = member @ member.T  # (students, students): fingerprints in common
    share = shared / np.diag(shared)[:, None]  # share[i, j]: part of i's fingerprints in j
    score = (share + share.T) / 2
    pairs = []
    for i, j in zip(*np.nonzero(np.triu(score >= floor, k=1)), strict=True):
        if shared[i, j] > 0:
            (a, fa), (b, fb) = prints[i], prints[j]
            tokens = (int(fa.token_coverage), int(fb.token_coverage))
            pairs.append(
                Pair(a.notebook, a.exercise, a.student, b.student, float(score[i, j]), *tokens)
            )
    return sorted(pairs, key=lambda p: -p.score)


def _rank_job(job: tuple[list[Answer], np.ndarray, int, float]) -> list[Pair]:
    return rank_exercise(*job)


def by_exercise(answers: list[Answer]) -> dict[tuple[str, str], list[Answer]]:
    groups: dict[tuple[str, str], list[Answer]] = {}
    for answer in answers:
        groups.setdefault((answer.notebook, answer.exercise), []).append(answer)
    return groups


def rank_all(
    answers: list[Answer],
    jobs: int = 2,
    min_tokens: int = MIN_TOKENS,
    floor: float = FLOOR,
    progress: bool = True,
) -> list[Pair]:
    """Rank every exercise's pairs, the exercises spread over ``jobs`` processes."""
    groups = by_exercise(answers)
    work = [
        (group, starter_hashes(notebook, exercise), min_tokens, floor)
        for (notebook, exercise), group in groups.items()
    ]
    bar = tqdm(total=len(work), desc="exercises", unit="exercise", disable=not progress)
    pairs: list[Pair] = []
    if jobs > 1 and len(work) > 1:
        with Pool(jobs) as pool:
            for ranked in pool.imap_unordered(_rank_job, work):
                pairs.extend(ranked)
                bar.update()
    else:
        for job in work:
            pairs.extend(_rank_job(job))
            bar.update()
    bar.close()
    return sorted(pairs, key=lambda p: (-p.score, p.notebook, p.exercise, p.student_a))


def write_csv(pairs: list[Pair], path: Path, threshold: float) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["notebook", "exercise", "student_a", "student_b", "score", "tokens_a", "tokens_b"]
        )
        for p in pairs:
            if p.score >= threshold:
                writer.writerow(
                    [
                        p.notebook,
                        p.exercise,
                        p.student_a,
                        p.student_b,
                        f"{p.score:.3f}",
                        p.tokens_a,
                        p.tokens_b,
                    ]
                )


def _highlighted(source_a: str, source_b: str, boilerplate: np.ndarray) -> tuple[str, str]:
    """Both cells as HTML with the matching parts marked (copydetect's slices)."""
    fa, fb = fingerprint(source_a, boilerplate), fingerprint(source_b, boilerplate)
    _, _, (slices_a, slices_b) = compare_files(fa, fb)

    def mark(source: str, slices: np.ndarray) -> str:
        if len(slices[0]) == 0:
            return html.escape(source)
        return highlight_overlap(source, slices, "<mark>", "</mark>", escape_html=True)[0]

    return mark(source_a, slices_a), mark(source_b, slices_b)


PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>in5400 similarity</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 1.5em; }}
table.pair {{ width: 100%; table-layout: fixed; border-collapse: collapse; margin-bottom: 2em; }}
table.pair td {{ vertical-align: top; border: 1px solid #ccc; padding: 0.4em; }}
pre {{ white-space: pre-wrap; font-size: 0.85em; margin: 0; }}
mark {{ background: #ffd54f; }}
h2 {{ margin-top: 2em; }} .score {{ font-weight: bold; }}
</style></head><body>
<h1>Answer cells that look copied</h1>
<p>Per exercise, the most similar pairs of students (copydetect's winnowed fingerprints;
comments, formatting and names do not count). Highlighted: the parts the two cells share.
A high score is a reason to look, not a verdict.</p>
{body}
</body></html>
"""


def write_html(
    pairs: list[Pair], answers: list[Answer], path: Path, top: int, threshold: float
) -> None:
    """The ``top`` pairs of each exercise scoring at least ``threshold``, side by side."""
    sources = {(a.student, a.notebook, a.exercise): a.source for a in answers}
    parts = []
    for (notebook, exercise), group in itertools.groupby(
        sorted(pairs, key=lambda p: (p.notebook, p.exercise, -p.score)),
        key=lambda p: (p.notebook, p.exercise),
    ):
        shown = [p for p in itertools.islice(group, top) if p.score >= threshold]
        if not shown:
            continue
        boilerplate = starter_hashes(notebook, exercise)
        parts.append(f"<h2>{html.escape(notebook)} · <code>{html.escape(exercise)}</code></h2>")
        for p in shown:
            left, right = _highlighted(
                sources[(p.student_a, notebook, exercise)],
                sources[(p.student_b, notebook, exercise)],
                boilerplate,
            )
            parts.append(
                f'<p><span class="score">{p.score:.0%}</span> '
                f"{html.escape(p.student_a)} · {html.escape(p.student_b)}</p>"
                f'<table class="pair"><tr><th>{html.escape(p.student_a)}</th>'
                f"<th>{html.escape(p.student_b)}</th></tr>"
                f"<tr><td><pre>{left}</pre></td><td><pre>{right}</pre></td></tr></table>"
            )
    body = "\n".join(parts) or "<p>No pair reached the threshold.</p>"
    path.write_text(PAGE.format(body=body), encoding="utf-8")


def report(
    submissions: Path,
    out: Path,
    notebooks: list[str] | None = None,
    jobs: int = 2,
    threshold: float = 0.5,
    top: int = 10,
) -> list[Pair]:
    """Rank every exercise's pairs; write ``OUT/similarity.csv`` and ``OUT/similarity.html``."""
    answers = collect_answers(submissions, notebooks or available_notebooks())
    pairs = rank_all(answers, jobs=jobs)
    out.mkdir(parents=True, exist_ok=True)
    write_csv(pairs, out / "similarity.csv", threshold)
    write_html(pairs, answers, out / "similarity.html", top, threshold)
    return pairs
