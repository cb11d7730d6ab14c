"""Sanitising a submission before it runs (fixes to nbgrader's own preprocessors)."""

from __future__ import annotations

import json
import os

from nbconvert.preprocessors import Preprocessor
from nbgrader.preprocessors import DeduplicateIds

from autograder.notebook import DEMO, grade_id, role, tracked
from autograder.settings import DEMO_CELLS_ENV

SKIPPED = "# (a demonstration cell of the course: not run while grading)"
#: nbclient does not send a cell with this tag to the kernel (its ``skip_cells_with_tag``).
SKIP_TAG = "skip-execution"


class DropDuplicateIds(DeduplicateIds):
    """Like nbgrader's ``DeduplicateIds``, but removes the metadata of a duplicated cell entirely.

    nbgrader 0.9 leaves an empty ``nbgrader`` dict on the duplicate, and
    ``OverwriteCells.add_missing_cells`` then fails with ``KeyError: 'grade_id'``,
    so a student who copied a test cell got no grade at all. The first copy is
    kept (nbgrader keeps the last) so the duplicate does not move the tests.
    """

    def preprocess(self, nb, resources):
        self.grade_ids = set()
        for index, cell in enumerate(nb.cells):
            nb.cells[index], resources = self.preprocess_cell(cell, resources, index)
        return nb, resources

    def preprocess_cell(self, cell, resources, cell_index):
        if not tracked(cell):
            return cell, resources
        key = grade_id(cell)
        if key in self.grade_ids:
            self.log.warning("Cell with id '%s' exists multiple times: ignoring the copy", key)
            del cell.metadata["nbgrader"]
        else:
            self.grade_ids.add(key)
        return cell, resources


class SkipDemoCells(Preprocessor):
    """Do not run the course's own demonstration cells while grading.

    Test cells use only setup cells and answers (see docs/authoring.md), so plots,
    animations and training demos only cost time. A code cell is skipped when it has
    no nbgrader metadata and its source is, unchanged, a demo cell of the released
    student notebook; cells a student added or edited still run. The released
    demo sources come from the JSON file named by ``$IN5400_DEMO_CELLS``
    (``{notebook: [source, ...]}``). A skipped cell keeps a one-line note as its source and
    is tagged so that the executor does not send it to the kernel; the tag is taken off
    every other cell, so no other cell can be skipped that way.
    """

    def preprocess(self, nb, resources):
        path = os.environ.get(DEMO_CELLS_ENV)
        notebook = resources.get("nbgrader", {}).get("notebook")
        if not path or not notebook:
            return nb, resources
        with open(path, encoding="utf-8") as handle:
            demos = set(json.load(handle).get(notebook, []))
        for cell in nb.cells:
            tags = cell.get("metadata", {}).get("tags")
            if isinstance(tags, list) and SKIP_TAG in tags:
                cell.metadata["tags"] = [tag for tag in tags if tag != SKIP_TAG]
            if role(cell) == DEMO and cell.source in demos:
                cell.source = SKIPPED
                cell.metadata.setdefault("tags", []).append(SKIP_TAG)
        return nb, resources
