"""Where the course's files live, and which notebooks it has."""

from __future__ import annotations

import os
from pathlib import Path

from autograder.settings import COURSE_ROOT_ENV

#: The nbgrader assignment that holds all of lecture 5's notebooks.
ASSIGNMENT = "lecture5"

#: The notebooks in teaching order (file stems in solutions/ and notebooks/).
NOTEBOOKS: tuple[str, ...] = (
    "01_correlation",
    "02_padding_stride",
    "03_receptive_field",
    "04_pooling",
    "05_separable_conv",
    "06_visualization",
    "07_cifar10_cnn_vs_dense",
)


def repo_root() -> Path:
    """The course repository: ``$IN5400_COURSE_ROOT`` or the checkout this package is in."""
    return Path(os.environ.get(COURSE_ROOT_ENV, Path(__file__).resolve().parents[1]))


def solutions_dir() -> Path:
    """The instructor notebooks (solutions and hidden tests)."""
    return repo_root() / "solutions"


def notebooks_dir() -> Path:
    """The student notebooks, generated from the solutions."""
    return repo_root() / "notebooks"


def available_notebooks() -> list[str]:
    """The notebooks of ``NOTEBOOKS`` that have a solution file, in teaching order."""
    folder = solutions_dir()
    return [name for name in NOTEBOOKS if (folder / f"{name}.ipynb").exists()]
