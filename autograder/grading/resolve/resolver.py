"""The resolver of one notebook: reads the setup cells, then every answer cell, then
follows the definitions each answer cell reaches (see the package's docstring)."""

from __future__ import annotations

from autograder.grading.resolve.calls import Calls
from autograder.grading.resolve.expressions import Expressions
from autograder.grading.resolve.statements import Statements
from autograder.grading.resolve.syntax import parse_cell
from autograder.grading.resolve.values import Findings


class Resolver(Statements, Expressions, Calls):
    """Resolves what the answer cells of one notebook reach (see the package's docstring)."""

    def __init__(self, setup: list[str], answers: list[tuple[str, str]]) -> None:
        super().__init__()
        self.findings: dict[str, Findings] = {grade_id: Findings() for grade_id, _ in answers}
        self.roots: dict[str, list[int]] = {grade_id: [] for grade_id, _ in answers}
        for source in setup:
            tree = parse_cell(source)
            if tree is not None:
                self.cell = ""
                self.block(tree.body, self.module, top=True)
        for grade_id, source in answers:
            tree = parse_cell(source)
            if tree is None:
                continue
            first = len(self.definitions)
            self.cell, self.place = grade_id, ""
            self.sink, self.reached = self.findings[grade_id], self.roots[grade_id]
            self.block(tree.body, self.module, top=True)
            self.sink, self.reached = None, None
            # everything the cell defines is part of its answer
            self.roots[grade_id] += [
                index
                for index in range(first, len(self.definitions))
                if self.definitions[index].cell == grade_id
            ]
        for grade_id in self.findings:
            self.walk(grade_id)

    def walk(self, grade_id: str) -> None:
        """Follow every definition the cell reaches; record what their bodies name."""
        seen: set[int] = set()
        queue = list(self.roots[grade_id])
        self.sink, self.reached = self.findings[grade_id], queue
        while queue:
            index = queue.pop()
            if index in seen:
                continue
            seen.add(index)
            definition = self.definitions[index]
            self.cell = grade_id
            if definition.cell == grade_id:
                self.place = f"in {definition.name}" if definition.name else ""
            elif definition.cell:
                self.place = f"in {definition.name}, answer cell {definition.cell}"
            else:
                self.place = f"in {definition.name}, a setup cell"
            self.body(definition.node, self.module)
        self.sink, self.reached = None, None


def analyse(setup: list[str], answers: list[tuple[str, str]]) -> dict[str, Findings]:
    """What every answer cell reaches: ``{grade_id: Findings}``."""
    return Resolver(setup, answers).findings
