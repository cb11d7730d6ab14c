"""A generated class for measuring ``in5400 similarity``: honest students and copiers.

Honest answers are independently written implementations of each exercise: the
solution and the audit's variants (``tests/corpus/<nb>/<exercise>/variant_*.py``: loops,
vectorised, einsum, stride tricks...). Student ``honest<i>`` hands in implementation
``i`` of every exercise that has one. A copier takes one honest student's cell and
disguises it the way students do: renames the local variables, swaps independent
neighbouring statements, rewrites the comments and docstring, and reformats.
"""

from __future__ import annotations

import ast
import itertools
import random
from pathlib import Path

import nbformat

from autograder.audit import corpus_dir, solution_sources, student_notebook


def honest_implementations(notebook: str) -> dict[str, list[str]]:
    """``{exercise: [solution, variant, ...]}`` for one notebook."""
    implementations = {ex: [src] for ex, src in solution_sources(notebook).items()}
    for path in sorted((corpus_dir() / notebook).glob("*/variant_*.py")):
        implementations.setdefault(path.parent.name, []).append(path.read_text())
    return implementations


class _Renamer(ast.NodeTransformer):
    """Renames the functions' arguments and local variables (not globals, not calls)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.names: dict[str, str] = {}

    def _new(self, name: str) -> str:
        if name not in self.names:
            self.names[name] = (
                f"{self.rng.choice(['tmp', 'val', 'my', 'q', 'z'])}_{len(self.names)}"
            )
        return self.names[name]

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.FunctionDef:
        local = {a.arg for a in node.args.args + node.args.kwonlyargs}
        for child in ast.walk(node):
            if isinstance(child, ast.Name) and isinstance(child.ctx, ast.Store):
                local.add(child.id)
            if isinstance(child, ast.arg):
                local.add(child.arg)
        for child in ast.walk(node):
            if isinstance(child, ast.Name) and child.id in local:
                child.id = self._new(child.id)
            elif isinstance(child, ast.arg) and child.arg in local:
                child.arg = self._new(child.arg)
        return node


def _names(node: ast.AST, ctx: type) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ctx)}


def _swap_independent(body: list[ast.stmt], rng: random.Random) -> None:
    """Swap neighbouring assignments that neither read nor write each other's names."""
    for i in range(len(body) - 1):
        a, b = body[i], body[i + 1]
        if not (isinstance(a, ast.Assign) and isinstance(b, ast.Assign)):
            continue
        wa, wb = _names(a, ast.Store), _names(b, ast.Store)
        ra, rb = _names(a, ast.Load), _names(b, ast.Load)
        if not (wa & (rb | wb) or wb & ra) and rng.random() < 0.7:
            body[i], body[i + 1] = b, a


def disguise(source: str, seed: int) -> str:
    """``source`` as a copying student hands it in: renamed, reordered, recommented."""
    rng = random.Random(seed)
    tree = ast.parse(source)
    tree = _Renamer(rng).visit(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            _swap_independent(node.body, rng)
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                first.value.value = "My implementation of the exercise."
    lines = ast.unparse(tree).splitlines()
    comments = ["# compute the result", "# loop over everything", "# TODO check this", "# done"]
    out = []
    for line in lines:
        if line.strip() and rng.random() < 0.25:
            indent = line[: len(line) - len(line.lstrip())]
            out.append(indent + rng.choice(comments))
        out.append(line)
    return "\n".join(out) + "\n"


def write_class(
    folder: Path, notebooks: list[str], copiers_per_exercise: int = 1, seed: int = 0
) -> tuple[set[tuple[str, str, str, str]], set[tuple[str, str, str, str]]]:
    """Write the class to ``folder/<student>/<notebook>.ipynb``.

    Returns the copied pairs (the two cells come from one implementation: an author and a
    copier, or two copiers of one author) and the honest pairs, as
    ``(notebook, exercise, student, student)`` with the two students sorted.
    """
    rng = random.Random(seed)
    answers: dict[str, dict[str, dict[str, str]]] = {}  # student -> notebook -> exercise
    copied, honest = set(), set()
    for notebook in notebooks:
        for exercise, implementations in honest_implementations(notebook).items():
            # which implementation each student hands in: its author, or a copier's original
            origin = {f"honest{i:02d}": i for i in range(len(implementations))}
            for j in range(copiers_per_exercise):
                origin[f"copier{j:02d}"] = rng.randrange(len(implementations))
            for student, index in origin.items():
                source = implementations[index]
                if student.startswith("copier"):
                    source = disguise(source, seed=rng.randrange(10**6))
                answers.setdefault(student, {}).setdefault(notebook, {})[exercise] = source
            for a, b in itertools.combinations(sorted(origin), 2):
                (copied if origin[a] == origin[b] else honest).add((notebook, exercise, a, b))
    for student, by_notebook in answers.items():
        for notebook, cells in by_notebook.items():
            path = folder / student / f"{notebook}.ipynb"
            path.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(student_notebook(notebook, cells), path)
    return copied, honest
