"""Sanitising a submission before it runs (fixes to nbgrader's own preprocessors)."""

from __future__ import annotations

from nbgrader import utils
from nbgrader.preprocessors import DeduplicateIds


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
        if not (utils.is_grade(cell) or utils.is_solution(cell) or utils.is_locked(cell)):
            return cell, resources
        grade_id = cell.metadata.nbgrader.get("grade_id")
        if grade_id in self.grade_ids:
            self.log.warning("Cell with id '%s' exists multiple times: ignoring the copy", grade_id)
            del cell.metadata["nbgrader"]
        else:
            self.grade_ids.add(grade_id)
        return cell, resources
