"""`in5400 check NOTEBOOK` as a student runs it: one line per test cell, the failure message,
a summary, and an exit status that says whether every visible test passes.

Every notebook is checked once, all at the same time, by the real command started from an
unrelated folder (module fixture); each test reads the output of one run.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest

from autograder import authoring
from autograder.audit import solution_sources, student_notebook
from autograder.cli import main
from autograder.course import notebooks_dir, solutions_dir
from autograder.student.check import has_code

NB = "01_correlation"
DENSE_TESTS = {"test_dense_params_small", "test_dense_params_bias", "test_dense_params_errors"}
HIDDEN_ONLY = {"test_dense_params_imagenet"}  # blank in the student notebook
WRONG_SHAPE_CORR2D = textwrap.dedent(
    """
    import numpy as np

    def corr2d(x, w):
        return np.zeros(np.shape(x))  # forgets to shrink by the kernel size
    """
)
PROBE_TIMEOUT = 5  # seconds per cell for the probe notebook


@dataclass(frozen=True)
class Run:
    """The outcome of one ``in5400 check`` command."""

    status: int
    output: str
    marks: dict[str, str]  # grade_id -> PASS, FAIL or ---- (hidden tests only)
    messages: dict[str, str]  # grade_id -> failure message (failing cells only)


def parse(output: str) -> Run:
    marks: dict[str, str] = {}
    messages: dict[str, str] = {}
    current = ""
    for line in output.splitlines():
        match = re.match(r"  (PASS|FAIL|----)  (\S+) \(", line)
        if match:
            current = match.group(2)
            marks[current] = match.group(1)
        elif line.startswith(" " * 8) and current:
            messages[current] = (messages.get(current, "") + "\n" + line.strip()).strip()
    return Run(0, output, marks, messages)


def probe_cells(folder: Path) -> list[nbformat.NotebookNode]:
    """Cells for the working folder, a too-slow cell and a kernel that dies (no imports: fast)."""
    return [
        authoring.setup("import os\nfrom pathlib import Path"),
        authoring.tests(
            "test_probe_cwd", f"assert Path.cwd().resolve() == Path({str(folder)!r}).resolve()", 1
        ),
        authoring.tests(
            "test_probe_relative_file", "assert Path('data.txt').read_text() == 'next to it'", 1
        ),
        authoring.answer("probe_answer", "def probe_answer():\n    return 1"),
        authoring.tests("test_probe_loop", "while True:\n    pass", 1),
        authoring.tests("test_probe_after_loop", "assert probe_answer() == 1", 1),
        authoring.code("os._exit(1)"),
        authoring.tests("test_probe_after_death", "assert probe_answer() == 1", 1),
    ]


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory, cifar_dir: Path) -> dict[str, Run]:
    """Run ``in5400 check`` on every case concurrently, each from an unrelated folder."""
    root = tmp_path_factory.mktemp("check")
    elsewhere = root / "elsewhere"
    elsewhere.mkdir()
    cases: dict[str, tuple[Path, list[str]]] = {"solution": (solutions_dir() / f"{NB}.ipynb", [])}
    cases["blank"] = (notebooks_dir() / f"{NB}.ipynb", [])
    dense = solution_sources(NB)["dense_params"]
    partial = student_notebook(NB, {"dense_params": dense, "corr2d": WRONG_SHAPE_CORR2D})
    (root / "partial").mkdir()
    nbformat.write(partial, root / "partial" / f"{NB}.ipynb")
    cases["partial"] = (root / "partial" / f"{NB}.ipynb", [])
    aten = Path(__file__).parent / "corpus" / NB / "corr2d" / "shortcut_torch_aten.py"
    shortcut = student_notebook(NB, {**solution_sources(NB), "corr2d": aten.read_text()})
    (root / "shortcut").mkdir()
    nbformat.write(shortcut, root / "shortcut" / f"{NB}.ipynb")
    cases["shortcut"] = (root / "shortcut" / f"{NB}.ipynb", [])
    probe_dir = root / "probe folder"  # a space in the path, too
    probe_dir.mkdir()
    (probe_dir / "data.txt").write_text("next to it")
    authoring.write_notebook(probe_dir / "probe.ipynb", probe_cells(probe_dir))
    cases["probe"] = (probe_dir / "probe.ipynb", ["--timeout", str(PROBE_TIMEOUT)])

    env = {**os.environ, "IN5400_DATA_DIR": str(cifar_dir), "PYTHONUNBUFFERED": "1"}
    started = {
        name: subprocess.Popen(
            [sys.executable, "-m", "autograder.cli", "check", str(path), *extra],
            cwd=elsewhere,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        for name, (path, extra) in cases.items()
    }
    results = {}
    for name, process in started.items():
        output, _ = process.communicate(timeout=600)
        run = parse(output)
        results[name] = Run(process.returncode, output, run.marks, run.messages)
    return results


def points_of(kind: str) -> dict[str, float]:
    """``{grade_id: points}`` of the test cells that have visible code (solution or blank)."""
    folder = solutions_dir() if kind == "solution" else notebooks_dir()
    notebook = nbformat.read(folder / f"{NB}.ipynb", as_version=4)
    return {
        cell.metadata["nbgrader"]["grade_id"]: float(cell.metadata["nbgrader"]["points"])
        for cell in notebook.cells
        if cell.metadata.get("nbgrader", {}).get("grade") and has_code(cell.source)
    }


def test_the_blank_notebook_has_the_solution_test_cells_minus_the_hidden_only_ones() -> None:
    # The cases below rely on this: a hidden-only cell is blank in the student notebook.
    assert set(points_of("blank")) == set(points_of("solution")) - HIDDEN_ONLY


def test_the_solution_passes_every_test_cell(runs: dict[str, Run]) -> None:
    run = runs["solution"]
    assert run.status == 0, run.output
    assert run.marks == {grade_id: "PASS" for grade_id in points_of("solution")}, run.output
    assert not run.messages


def test_the_blank_notebook_fails_every_visible_test_with_not_implemented(
    runs: dict[str, Run],
) -> None:
    run = runs["blank"]
    assert run.status == 1, run.output
    assert {g for g, mark in run.marks.items() if mark == "----"} == HIDDEN_ONLY
    failing = {g for g, mark in run.marks.items() if mark == "FAIL"}
    assert failing == set(points_of("blank")), run.output
    for grade_id in failing:
        assert "NotImplementedError" in run.messages[grade_id], (grade_id, run.output)


def test_a_failure_in_the_answer_cell_is_named_under_the_test_it_breaks(
    runs: dict[str, Run],
) -> None:
    # Z_BY_HAND is undefined because its answer cell raised: the message says so.
    message = runs["blank"].messages["test_z_by_hand"]
    assert "NameError" in message
    assert "answer cell z_by_hand above failed: NotImplementedError" in message


def test_only_the_solved_function_passes(runs: dict[str, Run]) -> None:
    run = runs["partial"]
    assert run.status == 1, run.output
    assert {g for g, mark in run.marks.items() if mark == "PASS"} == DENSE_TESTS, run.output
    assert {g for g, mark in run.marks.items() if mark == "----"} == HIDDEN_ONLY


def test_an_answer_the_grader_will_refuse_is_named_though_its_tests_pass(
    runs: dict[str, Run],
) -> None:
    run = runs["shortcut"]
    assert run.status == 1, run.output
    assert set(run.marks.values()) <= {"PASS", "----"}, run.output
    refused = [line for line in run.output.splitlines() if line.startswith("  REFUSED  ")]
    assert [line.split(":")[0] for line in refused] == [
        "  REFUSED  corr2d",
        "  REFUSED  conv2d_flip",
    ]
    assert "torch.ops.aten.convolution" in refused[0]
    assert refused[0].endswith("grading gives this exercise 0 points")


def test_the_failing_check_message_is_shown(runs: dict[str, Run]) -> None:
    messages = runs["partial"].messages
    assert "AssertionError: expected shape (2, 3), got (3, 4)" in messages["test_corr2d_example"]
    assert "expected shape (4, 3), got (6, 5)" in messages["test_corr2d_shape"]


def test_a_one_line_summary_counts_visible_cells_and_points(runs: dict[str, Run]) -> None:
    blank, solution = points_of("blank"), points_of("solution")
    dense = sum(blank[g] for g in DENSE_TESTS)
    expected = {
        "solution": f"{len(solution)}/{len(solution)} visible test cells pass "
        f"({sum(solution.values()):g}/{sum(solution.values()):g} points).",
        "blank": f"0/{len(blank)} visible test cells pass (0/{sum(blank.values()):g} points); "
        "1 cell with only hidden tests.",
        "partial": f"{len(DENSE_TESTS)}/{len(blank)} visible test cells pass "
        f"({dense:g}/{sum(blank.values()):g} points); 1 cell with only hidden tests.",
    }
    for name, counts in expected.items():
        last = runs[name].output.strip().splitlines()[-1]
        assert last.startswith(f"{NB}.ipynb: {counts} "), last


def test_the_kernel_runs_in_the_notebook_folder_wherever_the_command_starts(
    runs: dict[str, Run],
) -> None:
    run = runs["probe"]
    assert run.marks["test_probe_cwd"] == "PASS", run.output
    assert run.marks["test_probe_relative_file"] == "PASS", run.output


def test_a_cell_that_runs_too_long_is_stopped_and_the_rest_still_runs(runs: dict[str, Run]) -> None:
    run = runs["probe"]
    assert run.marks["test_probe_loop"] == "FAIL", run.output
    assert f"ran longer than {PROBE_TIMEOUT} s and was stopped" in run.messages["test_probe_loop"]
    assert run.marks["test_probe_after_loop"] == "PASS", run.output


def test_cells_after_the_kernel_died_fail_as_not_run(runs: dict[str, Run]) -> None:
    run = runs["probe"]
    assert run.status == 1
    assert run.marks["test_probe_after_death"] == "FAIL", run.output
    assert run.messages["test_probe_after_death"].startswith("not run: the kernel died in cell 7")


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("missing.ipynb", None, "does not exist"),
        ("a folder", "", "is a folder, not a notebook file"),
        ("garbage.ipynb", "this is not json", "is not a readable Jupyter notebook"),
    ],
)
def test_a_file_that_cannot_be_checked_is_reported_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, content: str | None, reason: str
) -> None:
    path = tmp_path / name
    if content == "":
        path.mkdir()
    elif content is not None:
        path.write_text(content)
    assert main(["check", str(path)]) == 2
    output = capsys.readouterr().out
    assert output.startswith(f"cannot check: {path} {reason}"), output
    assert len(output.strip().splitlines()) == 1, output
