"""autograder.notebook: the cell roles every part of the grader relies on."""

from __future__ import annotations

import nbformat

from autograder import authoring
from autograder.notebook import (
    ANSWER,
    DEMO,
    SETUP,
    TEST,
    answer_sources,
    grade_ids,
    notebook_info,
    points,
    role,
    solution_answers,
    tracked,
)

NB = "01_correlation"


def test_each_kind_of_cell_the_authoring_helpers_build_has_its_role():
    assert role(authoring.setup("import numpy as np")) == SETUP
    assert role(authoring.answer("f", "def f():\n    return 1")) == ANSWER
    assert role(authoring.tests("test_f", "assert f() == 1", points=2)) == TEST
    assert role(authoring.code("print(1)")) == DEMO
    assert role(authoring.markdown("# Title")) is None


def test_points_belong_to_test_cells_only():
    assert points(authoring.tests("test_f", "assert f() == 1", points=2)) == 2.0
    assert points(authoring.answer("f", "def f():\n    return 1")) == 0.0


def test_damaged_or_empty_nbgrader_metadata_gives_no_role():
    damaged = authoring.code("x = 1")
    damaged.metadata["nbgrader"] = "not a mapping"
    empty = authoring.code("x = 1")
    empty.metadata["nbgrader"] = {}
    for cell in (damaged, empty):
        assert role(cell) is None and not tracked(cell)
    assert grade_ids(nbformat.v4.new_notebook(cells=[damaged, empty])) == set()


def test_the_first_of_duplicated_answer_cells_counts():
    first, second = authoring.answer("f", "first"), authoring.answer("f", "second")
    notebook = nbformat.v4.new_notebook(cells=[first, second])
    assert answer_sources(notebook) == {"f": "first"}


def test_the_solution_notebook_agrees_with_its_info():
    info = notebook_info([NB])[NB]
    assert info.answers == list(solution_answers(NB))
    assert info.max_score == sum(info.points.values()) > 0
    assert all(grade_id.startswith("test_") for grade_id in info.points)
    assert not any("### BEGIN SOLUTION" in source for source in solution_answers(NB).values())
