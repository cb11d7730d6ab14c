"""CIFAR-10 loader for the notebooks.

``load_cifar10()`` finds the data set in this order:

1. the ``data_dir`` argument,
2. the environment variable ``IN5400_DATA_DIR``,
3. the cache directory (``cache_dir`` argument, else ``IN5400_CACHE_DIR``, else
   ``~/.cache/in5400``): the extracted ``cifar-10-batches-py/`` if it is there,
   otherwise the official archive is downloaded, checked and extracted first.

``data_dir`` and ``IN5400_DATA_DIR`` point at an extracted ``cifar-10-batches-py/``
directory (the official "python version" layout) or at its parent.

``pooch.retrieve`` downloads the archive (with a progress bar, to a temporary file kept
only when its md5 matches) and hands it to ``_untar``, which extracts it into a temporary
directory with tarfile's ``data`` filter (no links, nothing outside the target) and renames
that directory when it is complete. A failure therefore never leaves a half-written archive
or a half-extracted directory behind, and a damaged archive is deleted. (pooch's own
``Untar`` applies the ``data`` filter only from Python 3.12 on.)

The batch files are pickles, and unpickling can run code: only load files you trust
(the official archive is checked against its published md5).
"""

from __future__ import annotations

import os
import pickle
import tarfile
import tempfile
import urllib.parse
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pooch

CIFAR10_URL = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
CIFAR10_MD5 = "c58f30108f718f92721af3b95e74349a"

CLASSES: tuple[str, ...] = tuple(
    "airplane automobile bird cat deer dog frog horse ship truck".split()
)

BATCHES_DIR_NAME = "cifar-10-batches-py"
TRAIN_BATCHES = tuple(f"data_batch_{i}" for i in range(1, 6))
TEST_BATCH = "test_batch"
META_FILE = "batches.meta"
EXPECTED_FILES = (*TRAIN_BATCHES, TEST_BATCH, META_FILE)

FULL_TRAIN_SIZE = 50_000
FULL_TEST_SIZE = 10_000
IMAGE_SHAPE = (3, 32, 32)

DATA_DIR_ENV = "IN5400_DATA_DIR"
CACHE_DIR_ENV = "IN5400_CACHE_DIR"
DEFAULT_CACHE_DIR = "~/.cache/in5400"

_WHAT_TO_DO = (
    f"set {DATA_DIR_ENV} to an extracted {BATCHES_DIR_NAME} directory "
    f"(or to the directory that contains it)"
)


class DataError(RuntimeError):
    """The data set could not be found, downloaded, checked or parsed."""


@dataclass(frozen=True)
class CIFAR10:
    """CIFAR-10 images and labels.

    Attributes:
        x_train: uint8 images, shape (N_train, 3, 32, 32), channels R, G, B.
        y_train: int64 labels in 0..9, shape (N_train,).
        x_test: uint8 images, shape (N_test, 3, 32, 32).
        y_test: int64 labels in 0..9, shape (N_test,).
        classes: the 10 class names; ``classes[y]`` names label ``y``.
        source: where the data came from, whether it is the full set or a subset,
            and the image counts.
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    classes: tuple[str, ...]
    source: str


def load_cifar10(
    data_dir: str | Path | None = None,
    *,
    download: bool = True,
    cache_dir: str | Path | None = None,
    url: str = CIFAR10_URL,
    md5: str = CIFAR10_MD5,
) -> CIFAR10:
    """Load CIFAR-10 (the full set or a subset in the official python layout).

    Args:
        data_dir: an extracted ``cifar-10-batches-py`` directory or its parent. When
            omitted, ``$IN5400_DATA_DIR`` is used, and when that is unset, the cache.
        download: download the archive into the cache when it is not there yet.
        cache_dir: cache directory; default ``$IN5400_CACHE_DIR`` or ``~/.cache/in5400``.
        url: where to download the archive from.
        md5: expected md5 checksum of the archive.

    Returns:
        A ``CIFAR10`` with x of shape (N, 3, 32, 32) uint8 and y of shape (N,) int64.

    Raises:
        DataError: the data cannot be found, downloaded, verified or parsed.
    """
    if data_dir is not None:
        batches_dir, origin = find_batches_dir(data_dir), "data_dir"
    elif os.environ.get(DATA_DIR_ENV):
        batches_dir, origin = find_batches_dir(os.environ[DATA_DIR_ENV]), DATA_DIR_ENV
    else:
        batches_dir, origin = _batches_dir_from_cache(cache_dir, download, url, md5)
    return read_batches_dir(batches_dir, origin=origin)


def find_batches_dir(path: str | Path) -> Path:
    """Return the ``cifar-10-batches-py`` directory at ``path`` or directly inside it."""
    path = Path(path).expanduser()
    for candidate in (path, path / BATCHES_DIR_NAME):
        if (candidate / TRAIN_BATCHES[0]).is_file():
            return candidate
    raise DataError(
        f"no CIFAR-10 batches found in {path} (looked for {TRAIN_BATCHES[0]} there and in "
        f"{path / BATCHES_DIR_NAME}): {_WHAT_TO_DO}"
    )


def read_batches_dir(batches_dir: str | Path, origin: str = "directory") -> CIFAR10:
    """Parse ``data_batch_1..5``, ``test_batch`` and ``batches.meta`` in ``batches_dir``."""
    batches_dir = Path(batches_dir)
    missing = [name for name in EXPECTED_FILES if not (batches_dir / name).is_file()]
    if missing:
        raise DataError(
            f"{batches_dir} is missing {', '.join(missing)} "
            f"(expected {', '.join(EXPECTED_FILES)}): {_WHAT_TO_DO}"
        )
    names = _unpickle(batches_dir / META_FILE, b"label_names")[b"label_names"]
    if not isinstance(names, list) or not names:
        raise DataError(f"{batches_dir / META_FILE} has no list of label names: {_WHAT_TO_DO}")
    classes = tuple(n.decode() if isinstance(n, bytes) else str(n) for n in names)
    train = [_read_batch(batches_dir / name, len(classes)) for name in TRAIN_BATCHES]
    x_test, y_test = _read_batch(batches_dir / TEST_BATCH, len(classes))
    x_train = np.concatenate([x for x, _ in train])
    y_train = np.concatenate([y for _, y in train])

    is_full = len(x_train) == FULL_TRAIN_SIZE and len(x_test) == FULL_TEST_SIZE
    kind = "full set" if is_full else "subset"
    source = (
        f"{batches_dir} (from {origin}; {kind}: "
        f"{len(x_train):,} train / {len(x_test):,} test images)"
    )
    return CIFAR10(x_train, y_train, x_test, y_test, classes, source)


def _unpickle(path: Path, *keys: bytes) -> dict:
    """The dict pickled in ``path``, which must have ``keys``."""
    try:
        with path.open("rb") as f:
            content = pickle.load(f, encoding="bytes")
    except Exception as e:  # pickle raises many types for a damaged file
        raise DataError(f"cannot read {path} ({type(e).__name__}: {e}): {_WHAT_TO_DO}") from e
    if not isinstance(content, dict) or not all(key in content for key in keys):
        raise DataError(f"{path} should hold a dict with the keys {list(keys)}: {_WHAT_TO_DO}")
    return content


def _read_batch(path: Path, num_classes: int) -> tuple[np.ndarray, np.ndarray]:
    """One batch file -> (x (N, 3, 32, 32) uint8, y (N,) int64)."""
    content = _unpickle(path, b"data", b"labels")
    data = np.asarray(content[b"data"])
    labels = np.asarray(content[b"labels"], dtype=np.int64)
    n_values = int(np.prod(IMAGE_SHAPE))
    if data.dtype != np.uint8 or data.ndim != 2 or data.shape[1] != n_values:
        raise DataError(
            f"{path}: b'data' should be uint8 of shape (N, {n_values}), "
            f"got {data.dtype} {data.shape}"
        )
    if labels.shape != (len(data),) or np.any((labels < 0) | (labels >= num_classes)):
        raise DataError(f"{path}: expected {len(data)} labels in 0..{num_classes - 1}")
    return data.reshape(-1, *IMAGE_SHAPE), labels


def _batches_dir_from_cache(
    cache_dir: str | Path | None, download: bool, url: str, md5: str
) -> tuple[Path, str]:
    """The ``cifar-10-batches-py`` directory in the cache, downloaded and extracted there
    first when it is missing, and where it came from (``"cache"`` or ``"download"``)."""
    cache = Path(cache_dir or os.environ.get(CACHE_DIR_ENV) or DEFAULT_CACHE_DIR).expanduser()
    if (cache / BATCHES_DIR_NAME).is_dir():
        return cache / BATCHES_DIR_NAME, "cache"
    if not download:
        raise DataError(
            f"CIFAR-10 is not in the cache {cache} and download=False: "
            f"pass download=True, or {_WHAT_TO_DO}"
        )
    name = Path(urllib.parse.urlparse(url).path).name or None  # None: pooch names it
    try:
        batches_dir = pooch.retrieve(
            url, f"md5:{md5}", fname=name, path=cache, processor=_untar, progressbar=True
        )
    except ValueError as e:  # pooch's checksum mismatch
        raise DataError(
            f"checksum mismatch for {name} downloaded from {url}: {e} The download may be "
            f"truncated or damaged: try again, or {_WHAT_TO_DO}"
        ) from e
    except OSError as e:  # requests' errors (connection, HTTP, incomplete read) are OSErrors
        raise DataError(
            f"downloading {url} failed ({type(e).__name__}: {e}): check the network, "
            f"or {_WHAT_TO_DO}"
        ) from e
    return Path(batches_dir), "download"


def _untar(archive: str, _action: str, _pooch: object) -> str:
    """pooch processor: extract the checked ``archive`` into a temporary directory beside
    it, move its ``cifar-10-batches-py`` into place once complete and return that path."""
    target = Path(archive).parent / BATCHES_DIR_NAME
    try:
        with tempfile.TemporaryDirectory(prefix=".extract-", dir=target.parent) as tmp_dir:
            with tarfile.open(archive) as tar:
                tar.extractall(tmp_dir, filter="data")  # refuses links and paths outside
            extracted = Path(tmp_dir) / BATCHES_DIR_NAME
            missing = [name for name in EXPECTED_FILES if not (extracted / name).is_file()]
            if missing:
                raise DataError(f"no {BATCHES_DIR_NAME}/ with {', '.join(missing)} in it")
            try:
                extracted.rename(target)
            except OSError:
                if not target.is_dir():  # else another process was faster
                    raise
    except (tarfile.TarError, EOFError, OSError, zlib.error, DataError) as e:
        os.remove(archive)  # a damaged archive is not kept for next time
        raise DataError(
            f"cannot extract {archive} ({type(e).__name__}: {e}): it is not a readable "
            f"tar archive of CIFAR-10; try again, or {_WHAT_TO_DO}"
        ) from e
    return str(target)


def file_md5(path: str | Path) -> str:
    """Hex md5 digest of a file."""
    return pooch.file_hash(str(path), alg="md5")
