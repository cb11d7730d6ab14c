"""Feedback for students that never shows hidden test code."""

from __future__ import annotations

from nbgrader.preprocessors import ClearHiddenTests

from autograder.notebook import TEST, role


class RedactHiddenTests(ClearHiddenTests):
    """Remove hidden test code from test cells and cut tracebacks down to their message.

    A traceback would print the lines of the hidden check that failed; the student
    sees ``AssertionError: expected shape (2, 2), got (3, 3): ...`` instead.
    """

    def preprocess_cell(self, cell, resources, cell_index):
        cell, resources = super().preprocess_cell(cell, resources, cell_index)
        if role(cell) == TEST:
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    output["traceback"] = [f"{output.get('ename')}: {output.get('evalue')}"]
        return cell, resources
