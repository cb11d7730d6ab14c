"""The guarded executor on its own: what a notebook records when its kernel never starts."""

from __future__ import annotations

import json

from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from autograder.nbgrader_plugins.execute import GuardedExecute
from autograder.settings import STATUS_DIR_ENV


def test_cells_a_kernel_that_never_started_did_not_reach_are_failed_not_passed(
    tmp_path, monkeypatch
):
    monkeypatch.setenv(STATUS_DIR_ENV, str(tmp_path))
    test = new_code_cell(
        "assert 1 + 1 == 2",
        metadata={"nbgrader": {"grade": True, "grade_id": "t1", "points": 1, "locked": True}},
    )
    nb = new_notebook(cells=[new_markdown_cell("# title"), new_code_cell("x = 1"), test])
    resources = {"nbgrader": {"student": "s0", "notebook": "nb"}}

    nb, _ = GuardedExecute(kernel_name="no-such-kernel").preprocess(nb, resources)

    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert all([output["ename"] for output in cell.outputs] == ["NotRun"] for cell in code), [
        cell.outputs for cell in code
    ]
    status = json.loads((tmp_path / "s0" / "nb.json").read_text())
    assert status["status"] == "crashed" and "execution failed" in status["detail"]
