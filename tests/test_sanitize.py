"""Sanitising before grading: unchanged demonstration cells are not run, and nothing else can
be skipped the same way."""

from __future__ import annotations

import json

from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_notebook

from autograder.nbgrader_plugins.sanitize import SKIP_TAG, SKIPPED, SkipDemoCells
from autograder.settings import DEMO_CELLS_ENV

DEMO = "import time\ntime.sleep(30)  # a training run"
TEST_META = {"nbgrader": {"grade": True, "grade_id": "t1", "points": 1, "locked": True}}


def notebook():
    return new_notebook(
        cells=[
            new_code_cell(DEMO),  # unchanged from the released notebook: skipped
            new_code_cell("edited = 1"),  # a demonstration cell the student changed: runs
            new_code_cell("tested = 2", metadata={**TEST_META, "tags": [SKIP_TAG, "keep"]}),
        ]
    )


def sanitized(tmp_path, monkeypatch):
    demos = tmp_path / "demo_cells.json"
    demos.write_text(json.dumps({"nb": [DEMO, "edited = 0"]}))
    monkeypatch.setenv(DEMO_CELLS_ENV, str(demos))
    nb, _ = SkipDemoCells().preprocess(notebook(), {"nbgrader": {"notebook": "nb"}})
    return nb


def test_an_unchanged_demo_cell_is_replaced_by_a_note_and_tagged_not_to_run(tmp_path, monkeypatch):
    demo, edited, test = sanitized(tmp_path, monkeypatch).cells
    assert demo.source == SKIPPED and demo.metadata["tags"] == [SKIP_TAG]
    assert edited.source == "edited = 1" and "tags" not in edited.metadata
    # A student cannot keep a test cell from running by tagging it.
    assert test.metadata["tags"] == ["keep"]


def test_the_executor_runs_every_cell_but_the_skipped_demo(tmp_path, monkeypatch):
    nb = sanitized(tmp_path, monkeypatch)
    NotebookClient(nb, timeout=60, kernel_name="python3").execute()
    demo, edited, test = nb.cells
    assert demo.execution_count is None
    assert edited.execution_count == 1 and test.execution_count == 2
