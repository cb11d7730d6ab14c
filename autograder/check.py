"""``in5400 check NOTEBOOK``: run a notebook and say which of its test cells pass."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbclient import NotebookClient


@dataclass(frozen=True)
class TestOutcome:
    grade_id: str
    points: float
    passed: bool
    message: str


def run_tests(path: Path, timeout: int = 120) -> list[TestOutcome]:
    """Execute the notebook top to bottom (errors do not stop it) and judge each test cell."""
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=timeout,
        allow_errors=True,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent.resolve())}},
    )
    client.execute()
    outcomes = []
    for cell in notebook.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type != "code" or not meta.get("grade"):
            continue
        errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        message = f"{errors[0].get('ename')}: {errors[0].get('evalue')}" if errors else ""
        outcomes.append(
            TestOutcome(meta["grade_id"], float(meta.get("points", 0)), not errors, message)
        )
    return outcomes


def check_notebook(path: Path, timeout: int = 120) -> int:
    """Print a pass/fail line per test cell; exit status 0 when all visible tests pass."""
    if not path.exists():
        print(f"no such notebook: {path}")
        return 2
    print(f"running {path} ...", flush=True)
    outcomes = run_tests(path, timeout)
    for outcome in outcomes:
        mark = "PASS" if outcome.passed else "FAIL"
        line = f"  {mark}  {outcome.grade_id} ({outcome.points:g} pt)"
        if not outcome.passed:
            line += f"\n        {outcome.message}"
        print(line)
    passed = sum(o.passed for o in outcomes)
    earned = sum(o.points for o in outcomes if o.passed)
    total = sum(o.points for o in outcomes)
    print(
        f"{passed}/{len(outcomes)} test cells pass ({earned:g}/{total:g} points on the visible tests). "
        "When grading, hidden tests on random inputs run too."
    )
    return 0 if passed == len(outcomes) else 1
