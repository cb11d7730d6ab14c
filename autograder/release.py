"""Generate the student notebooks in ``notebooks/`` from ``solutions/`` with nbgrader."""

from __future__ import annotations

import tempfile
from pathlib import Path

from autograder.course import available_notebooks, notebooks_dir, solutions_dir
from autograder.nbgrader_plugins.run import generate_assignment, make_course_dir


def generate_student_notebooks(names: list[str] | None = None) -> dict[str, str]:
    """Run nbgrader on the solutions and return ``{name: student notebook text}``."""
    names = names or available_notebooks()
    with tempfile.TemporaryDirectory(prefix="in5400-release-") as tmp:
        course = make_course_dir(Path(tmp))
        release = generate_assignment(course, [solutions_dir() / f"{name}.ipynb" for name in names])
        return {name: (release / f"{name}.ipynb").read_text(encoding="utf-8") for name in names}


def release(names: list[str] | None = None) -> list[Path]:
    """Write the generated student notebooks into ``notebooks/``; return the paths written."""
    out = notebooks_dir()
    out.mkdir(exist_ok=True)
    written = []
    for name, text in generate_student_notebooks(names).items():
        path = out / f"{name}.ipynb"
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def drifted(names: list[str] | None = None) -> list[str]:
    """Names of student notebooks that differ from what the solutions generate (or are missing)."""
    expected = generate_student_notebooks(names)
    folder = notebooks_dir()
    return [
        name
        for name, text in expected.items()
        if not (folder / f"{name}.ipynb").exists()
        or (folder / f"{name}.ipynb").read_text(encoding="utf-8") != text
    ]
