"""`in5400 grade` on crafted submissions that try to get points they did not earn: a wrong
network rescued by in-kernel tampering, torch behind a switched-off guard, and the solutions
read from disk. Each ends without the points; honest answers keep all of them.

One class is graded once (module fixture, one worker so the test's exercise policies apply).
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import nbformat
import pytest

from autograder.audit import solution_sources, student_notebook
from autograder.grading import recheck
from autograder.grading.pipeline import grade_class
from autograder.sandbox.guard_policy import runtime_policy
from autograder.sandbox.hide import probe
from autograder.settings import Settings

CNN = "07_cifar10_cnn_vs_dense"
CORR = "01_correlation"
PAD = "02_padding_stride"
#: The policies of the course table for these exercises (the library's reference code and, in
#: the numpy exercise, torch), as the runtime guard enforces them.
POLICIES = {
    PAD: {"conv2d": runtime_policy(["in5400lib", "torch", "scipy"])},
    CNN: {"make_cnn": runtime_policy(["in5400lib"], ["in5400lib.models.Residual"])},
}

DENSE_CNN = """
def make_cnn():
    # A dense network where a CNN is asked for; pooling first so any image size fits.
    return nn.Sequential(nn.AdaptiveAvgPool2d(4), nn.Flatten(), nn.Linear(48, 10))
"""
EMPTY_LATER_CELLS = """
if "get_ipython" in globals():
    get_ipython().input_transformers_cleanup.append(lambda lines: [])
"""
SWALLOW_ERRORS = """
def _swallow(lines):
    body = ["    " + line for line in lines] or ["    pass\\n"]
    return ["try:\\n", *body, "\\nexcept BaseException:\\n    pass\\n"]


if "get_ipython" in globals():
    shell = get_ipython()
    shell.input_transformers_post.append(_swallow)
    run_cell = shell.run_cell

    def quiet_run_cell(*args, **kwargs):
        result = run_cell(*args, **kwargs)
        result.error_in_exec = None
        return result

    shell.run_cell = quiet_run_cell
"""
PATCH_TESTING_AND_BUILTINS = """
import builtins

import in5400lib.testing

for _name in ("check_shape", "check_equal", "check_close", "check_type"):
    setattr(in5400lib.testing, _name, lambda *args, **kwargs: None)
    globals()[_name] = lambda *args, **kwargs: None
builtins.AssertionError = KeyboardInterrupt  # a failed assert no longer counts as a failure
builtins.any = lambda values: False
"""
TORCH_WITH_THE_GUARD_OFF = """
import contextlib

import in5400lib.testing
import torch
import torch.nn.functional as F

in5400lib.testing.forbid_torch = lambda *args: contextlib.nullcontext()
globals()["forbid_torch"] = in5400lib.testing.forbid_torch


def conv2d(x, w, stride=1, padding=0):
    out = F.conv2d(torch.from_numpy(x), torch.from_numpy(w), stride=stride, padding=padding)
    return out.numpy()
"""
SNOOP = '''
import json
import os
import sys
from pathlib import Path

import in5400lib


def places():
    """Where the course checkout or a grading folder might be, as a student would look."""
    checkout = Path(in5400lib.__file__).resolve().parents[1]
    starts = [checkout, Path(sys.executable).resolve(), Path.cwd()]
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            starts += [Path("/proc", pid, "cwd"), Path("/proc", pid, "root", *checkout.parts[1:])]
    for start in starts:
        for folder in [start, *start.parents][:5]:
            yield from (folder / "solutions", folder / "source" / "lecture5", folder)
    try:  # a search of the checkout
        yield from {p.parent for p in checkout.glob("*/01_correlation.ipynb")}
        yield from {p.parent for p in checkout.glob("*/*/*/01_correlation.ipynb")}
    except OSError:
        pass


def stolen_answer():
    for folder in places():
        try:
            notebook = json.loads((folder / "01_correlation.ipynb").read_text())
        except (OSError, ValueError):
            continue
        for cell in notebook["cells"]:
            source = "".join(cell["source"])
            grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
            if grade_id == "corr2d" and "NotImplementedError()" not in source:
                return source
    return None


STOLEN = stolen_answer()
if STOLEN:
    exec(STOLEN)
else:
    import numpy as np

    def corr2d(x, w):
        return np.zeros((len(x) - len(w) + 1, len(x[0]) - len(w[0]) + 1))
'''


def answers(notebook: str, **replacements: str) -> nbformat.NotebookNode:
    sources = {
        **solution_sources(notebook),
        **{k: textwrap.dedent(v) for k, v in replacements.items()},
    }
    return student_notebook(notebook, sources)


def crafted_class(folder: Path) -> dict[str, dict[str, nbformat.NotebookNode]]:
    students = {
        "honest": {CNN: answers(CNN), PAD: answers(PAD)},
        "emptied_cells": {CNN: answers(CNN, make_cnn=DENSE_CNN + EMPTY_LATER_CELLS)},
        "swallowed_errors": {CNN: answers(CNN, make_cnn=DENSE_CNN + SWALLOW_ERRORS)},
        "patched_helpers": {
            CNN: answers(CNN, make_cnn=DENSE_CNN + PATCH_TESTING_AND_BUILTINS + SWALLOW_ERRORS)
        },
        "torch_guard_off": {PAD: answers(PAD, conv2d=TORCH_WITH_THE_GUARD_OFF)},
        "snoop": {CORR: answers(CORR, corr2d=SNOOP)},
    }
    for student, notebooks in students.items():
        (folder / student).mkdir(parents=True)
        for name, notebook in notebooks.items():
            nbformat.write(notebook, folder / student / f"{name}.ipynb")
    return students


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("class")
    crafted_class(folder / "submissions")
    settings = Settings(
        out=folder / "out", jobs=1, cell_timeout=60, notebook_timeout=300, feedback=False
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(recheck, "policy_for", lambda notebook: POLICIES.get(notebook, {}))
        results = grade_class(folder / "submissions", settings, [CORR, PAD, CNN], progress=False)
    return {(r.student, r.notebook): r for r in results}


def test_an_honest_cnn_submission_is_re_checked_in_full(graded):
    for notebook in (CNN, PAD):
        result = graded["honest", notebook]
        assert (result.score, result.status) == (result.max_score, "ok"), result.detail
        assert "not re-checked" not in result.detail, result.detail


@pytest.mark.parametrize("student", ["emptied_cells", "swallowed_errors", "patched_helpers"])
def test_a_dense_make_cnn_rescued_in_the_kernel_is_caught(graded, student):
    result = graded[student, CNN]
    # patching in5400lib.testing in an answer cell is itself refused by the policy, and the
    # failed re-check cells are all make_cnn's: that student ends as a shortcut
    expected = "shortcut" if student == "patched_helpers" else "tampered"
    assert result.status == expected, result.detail
    assert result.score < result.max_score
    lost = [
        g
        for g, (score, top) in result.cells.items()
        if g.startswith("test_make_cnn") and score < top
    ]
    assert "test_make_cnn_head" in lost and "trusted re-check" in result.detail


def test_torch_behind_a_switched_off_guard_loses_the_exercise(graded):
    result = graded["torch_guard_off", PAD]
    conv2d_cells = [
        g
        for g in result.cells
        if g.startswith("test_conv2d") and not g.startswith("test_conv2d_backward")
    ]  # the backward pass is another exercise: its answer here is the solution's
    assert conv2d_cells and all(result.cells[g][0] == 0 for g in conv2d_cells), result.cells
    # the static check refuses torch in conv2d and the re-check's guard refused the same call
    assert result.status == "shortcut", result.detail
    assert "torch is not allowed in conv2d" in result.detail, result.detail
    assert "conv2d: uses torch" in result.detail, result.detail


def test_the_solutions_on_disk_are_out_of_reach(graded):
    result = graded["snoop", CORR]
    if probe():  # no private mount namespace here: the grader warns instead (see test_hide.py)
        pytest.fail(f"the solutions could not be hidden on this machine: {probe()}")
    assert result.score < result.max_score
    assert result.cells["test_corr2d_random"][0] == 0
