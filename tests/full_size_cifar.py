"""A full-size stand-in for CIFAR-10, made from the real subset: 50,000 / 10,000 images.

The machines that run the tests cannot download the real archive, and the real subset
(5,170 / 1,017 images) hides what the full set costs in memory and time. This module
writes a ``cifar-10-batches-py`` folder in the official format (five training batches of
10,000 images, one test batch of 10,000, ``batches.meta``; pickled dicts with the keys
``batch_label``, ``labels``, ``data`` and ``filenames``), whose images are the subset's
images, each used about ten times: mirrored, shifted by up to 4 pixels and cropped back to
32x32 (labels kept). Shapes, sizes and file layout are those of the real data, so the
loader and every notebook take the same code paths; accuracies measured on it mean
nothing.

    python -m tests.full_size_cifar SUBSET_DIR OUT_DIR
"""

from __future__ import annotations

import pickle
import sys
from pathlib import Path

import numpy as np

from in5400lib.data import (
    BATCHES_DIR_NAME,
    FULL_TEST_SIZE,
    FULL_TRAIN_SIZE,
    META_FILE,
    TEST_BATCH,
    TRAIN_BATCHES,
    find_batches_dir,
    read_batches_dir,
)

MAX_SHIFT = 4
#: The solutions that load CIFAR-10: the browser test runs them on this stand-in.
CIFAR_NOTEBOOKS = ("01_correlation", "06_visualization", "07_cifar10_cnn_vs_dense")


def augmented(images: np.ndarray, count: int, rng: np.random.Generator) -> np.ndarray:
    """``count`` images drawn in turn from ``images`` (N, 3, 32, 32) uint8, each mirrored at
    random and shifted by up to ``MAX_SHIFT`` pixels (reflected border), shape (count, 3, 32, 32).
    """
    index = np.arange(count) % len(images)
    out = images[index].copy()
    flip = rng.random(count) < 0.5
    out[flip] = out[flip, :, :, ::-1]
    pad = MAX_SHIFT
    padded = np.pad(out, ((0, 0), (0, 0), (pad, pad), (pad, pad)), mode="reflect")
    dy, dx = rng.integers(0, 2 * pad + 1, size=(2, count))
    rows = dy[:, None] + np.arange(32)[None, :]  # (count, 32)
    cols = dx[:, None] + np.arange(32)[None, :]
    return padded[
        np.arange(count)[:, None, None, None],
        np.arange(3)[None, :, None, None],
        rows[:, None, :, None],
        cols[:, None, None, :],
    ]


def _write_batch(path: Path, name: str, x: np.ndarray, y: np.ndarray, first: int) -> None:
    batch = {
        b"batch_label": name.encode(),
        b"labels": [int(label) for label in y],
        b"data": np.ascontiguousarray(x.reshape(len(x), -1)),
        b"filenames": [f"standin_{first + i:05d}.png".encode() for i in range(len(x))],
    }
    with path.open("wb") as handle:
        pickle.dump(batch, handle, protocol=2)


def write_full_size(subset: str | Path, out: str | Path, seed: int = 0) -> Path:
    """Write the stand-in to ``out/cifar-10-batches-py`` and return that folder."""
    data = read_batches_dir(find_batches_dir(subset), origin="subset")
    rng = np.random.default_rng(seed)
    folder = Path(out) / BATCHES_DIR_NAME
    folder.mkdir(parents=True, exist_ok=True)
    x_train = augmented(data.x_train, FULL_TRAIN_SIZE, rng)
    y_train = data.y_train[np.arange(FULL_TRAIN_SIZE) % len(data.y_train)]
    per_batch = FULL_TRAIN_SIZE // len(TRAIN_BATCHES)
    for i, name in enumerate(TRAIN_BATCHES):
        part = slice(i * per_batch, (i + 1) * per_batch)
        label = f"training batch {i + 1} of 5"
        _write_batch(folder / name, label, x_train[part], y_train[part], i * per_batch)
    x_test = augmented(data.x_test, FULL_TEST_SIZE, rng)
    y_test = data.y_test[np.arange(FULL_TEST_SIZE) % len(data.y_test)]
    _write_batch(folder / TEST_BATCH, "testing batch 1 of 1", x_test, y_test, 0)
    meta = {
        b"label_names": [name.encode() for name in data.classes],
        b"num_cases_per_batch": per_batch,
        b"num_vis": 3072,
    }
    with (folder / META_FILE).open("wb") as handle:
        pickle.dump(meta, handle, protocol=2)
    return folder


if __name__ == "__main__":
    print(write_full_size(sys.argv[1], sys.argv[2]))
