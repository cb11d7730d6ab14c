"""`in5400 grade` on a crafted class: every kind of bad submission gets a recorded status and
the points it deserves, and none of them stops the rest of the class from being graded.

One class is graded once (module fixture, two workers); each test reads its student's row.
"""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import nbformat
import pytest

from autograder.audit import solution_sources, student_notebook
from autograder.grading.keys import shard_of
from autograder.grading.pipeline import grade_class, make_batches
from autograder.grading.results import load_result, merge
from autograder.grading.submission import Submission
from autograder.notebook import notebook_info
from autograder.settings import Settings

NB = "01_correlation"
POINTS = notebook_info([NB])[NB].points
TOTAL = int(sum(POINTS.values()))
CORPUS = Path(__file__).parent / "corpus" / NB
# points of the dense_params test cells (they run before corr2d's)
DENSE = sum(p for test, p in POINTS.items() if test.startswith("test_dense_params"))
WRONG_CORR2D = textwrap.dedent(
    """
    import numpy as np

    def corr2d(x, w):
        x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
        return np.zeros((x.shape[0] - w.shape[0] + 1, x.shape[1] - w.shape[1] + 1))
    """
)


def with_answers(**replacements: str) -> nbformat.NotebookNode:
    answers = {**solution_sources(NB), **{k: textwrap.dedent(v) for k, v in replacements.items()}}
    return student_notebook(NB, answers)


def tamper(prelude: str) -> nbformat.NotebookNode:
    """A wrong corr2d, preceded by code that tries to rig the tests."""
    return with_answers(corr2d=textwrap.dedent(prelude) + WRONG_CORR2D)


def drop_cell(grade_id: str) -> nbformat.NotebookNode:
    nb = with_answers()
    nb.cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") != grade_id]
    return nb


def duplicate_cell(grade_id: str) -> nbformat.NotebookNode:
    nb = with_answers()
    index = next(
        i
        for i, c in enumerate(nb.cells)
        if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id
    )
    nb.cells.insert(index, nbformat.from_dict(json.loads(json.dumps(nb.cells[index]))))
    nb.cells[index]["id"] = "duplicate-cell"
    return nb


def edit_tests(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    for cell in notebook.cells:
        if cell.metadata.get("nbgrader", {}).get("grade"):
            cell.source = "pass  # tests removed"
    return notebook


CONFINEMENT_CHECK = """
import os
from pathlib import Path

visible = sorted(p for p in os.listdir(".") if not p.startswith("."))
secrets = ["../../../source", "../../../gradebook.db", "../../../submitted", "../source"]
reachable = [p for p in secrets if Path(p).exists()]
hidden_env = "IN5400_COURSE_ROOT" not in os.environ and "NBGRADER_EXECUTION" not in os.environ
confined = visible == ["01_correlation.ipynb"] and not reachable and hidden_env
# Right answer only when confined, so the grade says whether it was.
Z_BY_HAND = [[27, 33], [28, 27]] if confined else [[0, 0], [0, 0]]
"""


def crafted_class(folder: Path) -> dict[str, object]:
    """Write the class; return {student: notebook or raw bytes or None (missing)}."""
    other = nbformat.v4.new_notebook()
    other.cells = [nbformat.v4.new_code_cell("x = 1")]
    other.cells[0].metadata["nbgrader"] = {"grade_id": "some_other_exercise", "solution": True}
    v3 = json.dumps({"nbformat": 3, "nbformat_minor": 0, "worksheets": [], "metadata": {}})
    students = {
        "perfect": with_answers(),
        "blank": student_notebook(NB, {}),
        "missing": None,
        "not_json": b"{this is not json",
        "empty": b"",
        "nbformat3": v3.encode(),
        "other_assignment": other,
        "infinite_loop": with_answers(corr2d="def corr2d(x, w):\n    while True:\n        pass\n"),
        "stubborn_loop": with_answers(
            corr2d="""
            import time
            while True:
                try:
                    time.sleep(0.1)
                except KeyboardInterrupt:
                    pass
            """
        ),
        "os_exit": with_answers(corr2d="import os\nos._exit(0)\n"),
        "sys_exit": with_answers(corr2d="import sys\nsys.exit()\n"),
        "segfault": with_answers(corr2d="import ctypes\nctypes.string_at(0)\n"),
        "memory_hog": with_answers(corr2d="hog = bytearray(3 * 2**30)\n"),
        "deleted_test": drop_cell("test_corr2d_random"),
        "duplicated_test": duplicate_cell("test_corr2d_shape"),
        "edited_tests_right": edit_tests(with_answers()),
        "edited_tests_wrong": edit_tests(with_answers(corr2d=WRONG_CORR2D)),
        "patch_numpy": tamper(
            """
            import numpy as np
            np.testing.assert_allclose = lambda *a, **k: None
            np.allclose = lambda *a, **k: True
            np.isclose = lambda a, b, **k: np.ones(np.broadcast(a, b).shape, bool)
            """
        ),
        "empty_later_cells": tamper(
            "get_ipython().input_transformers_cleanup.append(lambda lines: [])\n"
        ),
        "swallow_exceptions": tamper(
            """
            def _swallow(lines):
                body = ["    " + line for line in lines] or ["    pass\\n"]
                return ["try:\\n", *body, "\\nexcept BaseException:\\n    pass\\n"]
            get_ipython().input_transformers_post.append(_swallow)
            """
        ),
        "rebind_builtins": with_answers(
            corr2d="""
            import builtins
            builtins.ValueError = BaseException

            def corr2d(x, w):
                raise NotImplementedError()
            """
        ),
        "detects_grader": tamper(
            """
            import os
            import numpy as np
            if os.environ.get("NBGRADER_EXECUTION"):
                np.isclose = lambda a, b, **k: np.ones(np.broadcast(a, b).shape, bool)
            """
        ),
        "fake_pass_message": tamper('print("All tests passed! 13/13")\n'),
        "confinement": with_answers(z_by_hand=CONFINEMENT_CHECK),
        "shortcut": with_answers(corr2d=(CORPUS / "corr2d" / "shortcut_torch_aten.py").read_text()),
        "dynamic_access": with_answers(
            dense_params="""
            import math

            def dense_params(height, width, channels, units, bias=True):
                if min(height, width, channels, units) < 1:
                    raise ValueError("height, width, channels and units must all be at least 1")
                product = getattr(math, "".join(reversed("dorp")))
                return int(product([height, width, channels, units]) + (units if bias else 0))
            """
        ),
    }
    for student, content in students.items():
        (folder / student).mkdir(parents=True)
        path = folder / student / f"{NB}.ipynb"
        if content is None:
            continue
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            nbformat.write(content, path)
    return students


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """The class graded as a TA grades it: ``in5400 grade`` with two workers, from the class's
    folder (relative paths), in a process of its own whose temporary folder is the class's."""
    folder = tmp_path_factory.mktemp("class")
    students = crafted_class(folder / "submissions")
    settings = Settings(
        out=folder / "out",
        jobs=2,
        cell_timeout=3,  # the looping students wait for it in the re-check and in each test cell
        notebook_timeout=90,
        memory_bytes=2 * 2**30,
        batch_size=3,
    )
    options = {
        "--jobs": settings.jobs,
        "--timeout": settings.cell_timeout,
        "--notebook-timeout": settings.notebook_timeout,
        "--memory": settings.memory_bytes / 2**30,
        "--batch-size": settings.batch_size,
        "--notebook": NB,
    }
    (folder / "tmp").mkdir()
    run = subprocess.run(
        [sys.executable, "-m", "autograder.cli", "grade", "submissions", "--out", "out"]
        + [str(item) for option in options.items() for item in option],
        cwd=folder,
        env={**os.environ, "TMPDIR": str(folder / "tmp")},
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    rows = {row["student"]: row for row in csv.DictReader(open(settings.out / "grades.csv"))}
    return {
        "rows": rows,
        "results": {s: load_result(settings.out, s, NB) for s in rows},
        "out": settings.out,
        "students": students,
        "settings": settings,
        "submissions": folder / "submissions",
        "left_in_tmp": sorted(p.name for p in (folder / "tmp").iterdir()),
    }


def row(graded, student):
    return graded["rows"][student]


def score(graded, student) -> float:
    return float(row(graded, student)["score"])


def test_one_row_per_student_with_the_documented_columns(graded):
    assert set(graded["rows"]) == set(graded["students"])
    assert list(next(iter(graded["rows"].values()))) == [
        "student",
        "notebook",
        "score",
        "max_score",
        "status",
        "detail",
    ]
    assert {r["status"] for r in graded["rows"].values()} <= {
        "ok",
        "timeout",
        "crashed",
        "malformed",
        "missing",
        "tampered",
        "shortcut",
    }
    assert all(r["max_score"] == str(TOTAL) for r in graded["rows"].values())


def test_the_solution_gets_full_marks_and_the_blank_notebook_zero(graded):
    assert (score(graded, "perfect"), row(graded, "perfect")["status"]) == (TOTAL, "ok")
    assert (score(graded, "blank"), row(graded, "blank")["status"]) == (0, "ok")


def test_missing_notebook(graded):
    assert row(graded, "missing")["status"] == "missing" and score(graded, "missing") == 0


@pytest.mark.parametrize(
    "student, reason",
    [
        ("not_json", "not valid JSON"),
        ("empty", "empty"),
        ("nbformat3", "format version 3"),
        ("other_assignment", "not this assignment"),
    ],
)
def test_malformed_files_are_reported_with_the_reason(graded, student, reason):
    assert row(graded, student)["status"] == "malformed"
    assert reason in row(graded, student)["detail"] and score(graded, student) == 0


def test_infinite_loop_times_out_and_keeps_the_points_that_finished(graded):
    assert row(graded, "infinite_loop")["status"] == "timeout"
    assert "ran past the time limit" in row(graded, "infinite_loop")["detail"]
    assert score(graded, "infinite_loop") == DENSE + 1  # dense_params cells and Z_BY_HAND


def test_a_loop_that_ignores_interrupts_stops_the_notebook_and_keeps_earlier_points(graded):
    assert row(graded, "stubborn_loop")["status"] == "timeout"
    assert "stopped responding during corr2d" in row(graded, "stubborn_loop")["detail"]
    assert score(graded, "stubborn_loop") == DENSE + 1  # dense_params cells and Z_BY_HAND


def test_the_notebook_wall_clock_cap(tmp_path):
    """Cells that each finish in time but together exceed the notebook's budget."""
    slow = "import time\ntime.sleep(3)\n"  # 4 answers: 12 s in all
    answers = {name: slow + source for name, source in solution_sources(NB).items()}
    path = tmp_path / "submissions" / "slow" / f"{NB}.ipynb"
    path.parent.mkdir(parents=True)
    nbformat.write(student_notebook(NB, answers), path)
    settings = Settings(
        out=tmp_path / "out", cell_timeout=5, notebook_timeout=7, feedback=False, recheck=False
    )
    (result,) = grade_class(tmp_path / "submissions", settings, [NB], progress=False)
    assert result.status == "timeout" and "notebook time limit" in result.detail
    assert 0 < result.score < TOTAL  # the cells before the cap keep their points


@pytest.mark.parametrize("student", ["os_exit", "segfault"])
def test_kernel_death_is_a_crash_with_the_earlier_points(graded, student):
    assert row(graded, student)["status"] == "crashed"
    assert "kernel died" in row(graded, student)["detail"]
    assert score(graded, student) == DENSE + 1  # dense_params cells and Z_BY_HAND


def test_sys_exit_is_a_crash(graded):
    assert row(graded, "sys_exit")["status"] == "crashed"
    assert score(graded, "sys_exit") == DENSE + 1


def test_memory_blow_up_is_capped_and_a_crash(graded):
    assert row(graded, "memory_hog")["status"] == "crashed"
    assert "memory" in row(graded, "memory_hog")["detail"]


@pytest.mark.parametrize("student", ["deleted_test", "duplicated_test", "edited_tests_right"])
def test_deleted_duplicated_or_edited_test_cells_are_restored(graded, student):
    assert (score(graded, student), row(graded, student)["status"]) == (TOTAL, "ok")


def test_edited_tests_do_not_rescue_a_wrong_answer(graded):
    assert score(graded, "edited_tests_wrong") < TOTAL


@pytest.mark.parametrize(
    "student", ["patch_numpy", "empty_later_cells", "swallow_exceptions", "rebind_builtins"]
)
def test_tampering_gets_no_undeserved_points_and_is_flagged(graded, student):
    honest = score(graded, "fake_pass_message")  # the same wrong corr2d without tricks
    assert score(graded, student) <= honest
    assert row(graded, student)["status"] == "tampered"
    assert "trusted re-check" in row(graded, student)["detail"]


def test_the_grader_is_invisible_and_printing_success_changes_nothing(graded):
    assert score(graded, "detects_grader") == score(graded, "fake_pass_message")
    assert row(graded, "fake_pass_message")["status"] == "ok"
    # dense_params (3) + Z_BY_HAND (1) + the shape-only corr2d test (zeros of the right shape)
    assert score(graded, "fake_pass_message") == DENSE + 2


def test_student_code_runs_in_a_scratch_copy_holding_only_its_notebook(graded):
    cells = graded["results"]["confinement"].cells
    assert cells["test_z_by_hand"][0] == 1, "the kernel could see more than its own notebook"


def test_feedback_never_shows_hidden_tests(graded):
    pages = list((graded["out"] / "feedback").rglob("*.html"))
    assert len(pages) >= 10
    for page in pages:
        text = page.read_text()
        assert "HIDDEN TESTS" not in text and "default_rng(5400)" not in text, page


def test_feedback_pages_give_the_final_grade_and_say_why_points_were_withdrawn(graded):
    folder = graded["out"] / "feedback"
    pages = {page.parent.name: page.read_text() for page in folder.rglob("*.html")}
    assert {"perfect", "blank", "patch_numpy", "shortcut"} <= set(pages)
    for student, page in pages.items():
        shown = re.search(r"\(Score: ([0-9.]+) / ([0-9.]+)\)", page)
        assert shown and float(shown.group(1)) == score(graded, student), student
    # the kernel passed every test of the rigged notebook; the page shows the re-check's verdict
    assert "NoPoints" in pages["patch_numpy"]
    assert "NoPoints" in pages["shortcut"] and "torch.ops.aten" in pages["shortcut"]


def test_the_executed_notebooks_hold_the_hidden_tests_for_the_tas(graded):
    for student in ("perfect", "blank", "patch_numpy"):
        executed = nbformat.read(graded["out"] / "autograded" / student / f"{NB}.ipynb", 4)
        sources = "\n".join(cell.source for cell in executed.cells)
        assert "BEGIN HIDDEN TESTS" in sources, student


def test_the_grading_processes_leave_nothing_in_the_temporary_folder(graded):
    # The zygotes' sockets and each grading process's scratch folder (the forked worker's
    # too) are gone; torch's compiler cache is torch's, kept between runs by design.
    assert [name for name in graded["left_in_tmp"] if name != "torchinductor_root"] == []


def test_a_second_run_reuses_every_result_and_gives_the_same_grades(graded):
    again = grade_class(graded["submissions"], graded["settings"], [NB], progress=False)
    assert {r.student: (r.score, r.status) for r in again} == {
        s: (r.score, r.status) for s, r in graded["results"].items()
    }


def test_shards_partition_the_class_and_merge_writes_one_csv(graded):
    students = sorted(graded["students"])
    shards = [[s for s in students if shard_of(s, 3) == i] for i in range(3)]
    assert sorted(sum(shards, [])) == students and all(shards)
    for index in (1, 2, 3):  # every result is already there: each shard run only writes its roster
        part = grade_class(
            graded["submissions"], graded["settings"], [NB], shard=(index, 3), progress=False
        )
        assert sorted(r.student for r in part) == shards[index - 1]
    merged = merge(graded["out"], [NB])
    assert sorted(r.student for r in merged) == students
    rows = list(csv.DictReader(open(graded["out"] / "grades.csv")))
    assert [r["student"] for r in rows] == students


@pytest.mark.parametrize(
    ("students", "size", "jobs", "expected"),
    [  # batch lengths, two notebooks per student
        (12, 4, 1, [8, 8, 8]),  # one worker: even batches of whole students
        (10, 4, 1, [6, 8, 6]),
        (12, 4, 2, [6, 6, 4] + [1] * 8),  # smaller and smaller, then one notebook at a time
        (5, 16, 2, [4] + [1] * 6),
        (40, 4, 2, [8] * 7 + [6, 6, 4] + [1] * 8),
        (40, 4, 4, [8] * 4 + [6] * 3 + [4] * 4 + [1] * 14),
        (1, 4, 2, [1, 1]),
        (0, 4, 2, []),
    ],
)
def test_batches_share_work_so_that_the_workers_finish_together(students, size, jobs, expected):
    pending = [Submission(f"s{i:02d}", nb, None) for i in range(students) for nb in ("a", "b")]
    batches = make_batches(pending, size, jobs)
    assert [len(batch) for batch in batches] == expected
    assert [s for batch in batches for s in batch] == pending
    whole = [b for b in batches if len(b) > 1]  # a batch of several notebooks: whole students
    assert all(len(b) == 2 * len({s.student for s in b}) for b in whole)


def test_a_shortcut_loses_its_exercise_and_says_what_it_used(graded):
    # corr2d through torch.ops.aten passes every test; conv2d_flip calls that corr2d
    result = graded["results"]["shortcut"]
    refused = {cell for cell, (got, _) in result.cells.items() if got == 0}
    assert refused == {c for c in result.cells if c.startswith(("test_corr2d", "test_conv2d_flip"))}
    assert result.score == result.max_score - sum(result.cells[c][1] for c in refused)
    assert row(graded, "shortcut")["status"] == "shortcut"
    assert "corr2d: uses torch.ops.aten.convolution (line 13 in corr2d)" in result.detail


def test_dynamic_access_is_flagged_for_review_and_keeps_the_points(graded):
    result = graded["results"]["dynamic_access"]
    assert (result.score, result.status) == (result.max_score, "ok")
    assert result.review == [
        "dense_params: getattr with a computed attribute name (line 7 in dense_params)"
    ]
    assert "to review" in row(graded, "dynamic_access")["detail"]
