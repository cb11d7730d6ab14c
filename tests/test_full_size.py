"""The students' real data: the notebooks on a full-size CIFAR-10 (50,000 / 10,000 images).

A stand-in in the official format is built from the real subset (``tests/full_size_cifar``);
the loader must take it exactly as the real archive, and the notebooks that touch
CIFAR-10 must run top to bottom on it within a laptop's memory. Each notebook runs in a
process of its own (``tests/notebook_run``); its kernel's peak resident memory, measured
by the operating system, must stay within ``MEMORY_BUDGET``. Fast mode is off (it shrinks
the data); 07's training runs for ``IN5400_TRAIN_SECONDS`` per network only, since its
time per epoch is measured and documented separately.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from in5400lib.data import load_cifar10
from tests.full_size_cifar import write_full_size
from tests.notebook_run import measure

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
MEMORY_BUDGET = 1.5 * 2**30  # bytes of peak RSS per notebook
NOTEBOOKS = ["01_correlation", "06_visualization", "07_cifar10_cnn_vs_dense"]


@pytest.fixture(scope="session")
def full_size(cifar_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_full_size(cifar_dir, tmp_path_factory.mktemp("full-size"))


def test_the_loader_takes_the_stand_in_as_the_real_archive(full_size: Path) -> None:
    data = load_cifar10(full_size)
    assert data.x_train.shape == (50_000, 3, 32, 32) and data.x_train.dtype.name == "uint8"
    assert data.x_test.shape == (10_000, 3, 32, 32) and data.y_test.shape == (10_000,)
    assert "full set" in data.source
    assert sorted(set(data.y_train.tolist())) == list(range(10))


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_runs_on_full_size_data_within_memory(name: str, full_size: Path) -> None:
    env = {
        **os.environ,
        "IN5400_DATA_DIR": str(full_size),
        "IN5400_FAST": "0",
        "IN5400_HEADLESS": "1",
        "IN5400_TRAIN_SECONDS": "5",
        "IN5400_THREADS": "1",
    }
    run = measure(ROOT / "solutions" / f"{name}.ipynb", env)
    print(f"{name}: {run.seconds:.0f} s, peak RSS {run.peak_rss_gib:.2f} GiB")
    assert not run.error, run.error
    assert run.peak_rss_bytes <= MEMORY_BUDGET, (
        f"{name} peaked at {run.peak_rss_gib:.2f} GiB on full-size data "
        f"(budget {MEMORY_BUDGET / 2**30:.1f} GiB)"
    )
