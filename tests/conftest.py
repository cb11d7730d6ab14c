"""Shared fixtures: where the repository and the CIFAR-10 data are, and a full-size stand-in."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import autograder  # noqa: F401 - first, before nbformat (see autograder/__init__.py)

ROOT = Path(__file__).resolve().parents[1]
SUBSET = ROOT.parent / "shared" / "data" / "cifar-10-subset" / "cifar-10-batches-py"


@pytest.fixture(scope="session")
def cifar_dir() -> Path:
    """The extracted CIFAR-10 batches the tests use (the real subset in CI)."""
    path = Path(os.environ.get("IN5400_DATA_DIR", SUBSET))
    if not path.exists():
        pytest.skip(f"no CIFAR-10 data at {path}: set IN5400_DATA_DIR")
    return path


@pytest.fixture(scope="session")
def full_size(cifar_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A full-size CIFAR-10 stand-in (50,000 / 10,000 images) built from the real subset."""
    from tests.full_size_cifar import write_full_size

    return write_full_size(cifar_dir, tmp_path_factory.mktemp("full-size"))
