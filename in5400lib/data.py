"""CIFAR-10 loader for the notebooks.

``load_cifar10()`` finds the data set in this order:

1. the ``data_dir`` argument,
2. the environment variable ``IN5400_DATA_DIR``,
3. the cache directory (``cache_dir`` argument, else ``IN5400_CACHE_DIR``, else
   ``~/.cache/in5400``): the extracted ``cifar-10-batches-py/`` if it is there,
   otherwise the official archive is downloaded, checked and extracted first.

``data_dir`` and ``IN5400_DATA_DIR`` point at an extracted ``cifar-10-batches-py/``
directory (the official "python version" layout) or at its parent.

Downloads are written to a temporary file next to the destination and renamed only
after the md5 checksum and the tar archive have been checked; extraction goes to a
temporary directory that is renamed when complete. A failure therefore never leaves a
half-written archive or a half-extracted directory behind.

The batch files are pickles, and unpickling can run code: only load files you trust
(the official archive is checked against its published md5).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
import tarfile
import tempfile
import urllib.parse
import urllib.request
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np
from tqdm.auto import tqdm

__all__ = [
    "CIFAR10",
    "CIFAR10_MD5",
    "CIFAR10_URL",
    "CLASSES",
    "DataError",
    "download_archive",
    "file_md5",
    "load_cifar10",
    "verify_md5",
]

CIFAR10_URL = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
CIFAR10_MD5 = "c58f30108f718f92721af3b95e74349a"

CLASSES: tuple[str, ...] = (
    "airplane",
    "automobile",
    "bird",
    "cat",
    "deer",
    "dog",
    "frog",
    "horse",
    "ship",
    "truck",
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


# --------------------------------------------------------------------------- loading


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
    classes = _read_meta(batches_dir / META_FILE)
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


def _unpickle(path: Path) -> dict:
    try:
        with path.open("rb") as f:
            content = pickle.load(f, encoding="bytes")
    except Exception as e:  # pickle raises many types for a damaged file
        raise DataError(f"cannot read {path} ({type(e).__name__}: {e}): {_WHAT_TO_DO}") from e
    if not isinstance(content, dict):
        raise DataError(f"{path} holds a {type(content).__name__}, expected a dict")
    return content


def _read_meta(path: Path) -> tuple[str, ...]:
    names = _unpickle(path).get(b"label_names")
    if not isinstance(names, list) or not names:
        raise DataError(f"{path} has no b'label_names' list: {_WHAT_TO_DO}")
    return tuple(n.decode() if isinstance(n, bytes) else str(n) for n in names)


def _read_batch(path: Path, num_classes: int) -> tuple[np.ndarray, np.ndarray]:
    """One batch file -> (x (N, 3, 32, 32) uint8, y (N,) int64)."""
    content = _unpickle(path)
    if b"data" not in content or b"labels" not in content:
        raise DataError(f"{path} lacks the keys b'data' and b'labels': {_WHAT_TO_DO}")
    data = np.asarray(content[b"data"])
    labels = np.asarray(content[b"labels"], dtype=np.int64)
    n_values = int(np.prod(IMAGE_SHAPE))
    if data.dtype != np.uint8 or data.ndim != 2 or data.shape[1] != n_values:
        raise DataError(
            f"{path}: b'data' should be uint8 of shape (N, {n_values}), "
            f"got {data.dtype} {data.shape}"
        )
    if labels.shape != (len(data),):
        raise DataError(f"{path}: {len(data)} images but {labels.size} labels")
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        raise DataError(f"{path}: labels outside 0..{num_classes - 1}")
    return data.reshape(-1, *IMAGE_SHAPE), labels


# --------------------------------------------------------------------------- cache


def _resolve_cache_dir(cache_dir: str | Path | None) -> Path:
    if cache_dir is None:
        cache_dir = os.environ.get(CACHE_DIR_ENV) or DEFAULT_CACHE_DIR
    return Path(cache_dir).expanduser()


def _batches_dir_from_cache(
    cache_dir: str | Path | None, download: bool, url: str, md5: str
) -> tuple[Path, str]:
    cache = _resolve_cache_dir(cache_dir)
    batches_dir = cache / BATCHES_DIR_NAME
    if batches_dir.is_dir():
        return batches_dir, "cache"
    if not download:
        raise DataError(
            f"CIFAR-10 is not in the cache {cache} and download=False: "
            f"pass download=True, or {_WHAT_TO_DO}"
        )
    archive = cache / _archive_name(url)
    if not (archive.is_file() and file_md5(archive) == md5.lower()):
        download_archive(url, archive, md5)
    _extract_batches_dir(archive, cache)
    return batches_dir, "download"


def _extract_batches_dir(archive: Path, cache: Path) -> None:
    """Extract ``archive`` into a temporary directory, then move its batches dir to ``cache``."""
    tmp_dir = Path(tempfile.mkdtemp(prefix=".extract-", dir=cache))
    try:
        try:
            with tarfile.open(archive) as tar:
                _safe_extract(tar, tmp_dir)
        except (tarfile.TarError, EOFError, OSError, zlib.error) as e:
            raise DataError(
                f"cannot extract {archive} ({type(e).__name__}: {e}): delete it and try "
                f"again, or {_WHAT_TO_DO}"
            ) from e
        extracted = tmp_dir / BATCHES_DIR_NAME
        missing = [name for name in EXPECTED_FILES if not (extracted / name).is_file()]
        if missing:
            raise DataError(
                f"{archive} does not contain {BATCHES_DIR_NAME}/ with {', '.join(missing)}"
            )
        try:
            extracted.rename(cache / BATCHES_DIR_NAME)
        except OSError:
            if not (cache / BATCHES_DIR_NAME).is_dir():  # else another process was faster
                raise
    finally:
        shutil.rmtree(tmp_dir, ignore_errors=True)


def _safe_extract(tar: tarfile.TarFile, target: Path) -> None:
    """Extract regular files and directories only, all inside ``target``."""
    if hasattr(tarfile, "data_filter"):  # Python >= 3.11.4
        tar.extractall(target, filter="data")
        return
    root = target.resolve()
    for member in tar.getmembers():
        destination = (root / member.name).resolve()
        if not (member.isfile() or member.isdir()) or not destination.is_relative_to(root):
            raise tarfile.TarError(f"refusing to extract {member.name!r}")
    tar.extractall(target)


# --------------------------------------------------------------------------- download


def file_md5(path: str | Path) -> str:
    """Hex md5 digest of a file, read in 1 MiB chunks."""
    digest = hashlib.md5()
    with Path(path).open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def verify_md5(path: str | Path, md5: str, *, name: str | None = None) -> None:
    """Raise ``DataError`` unless the md5 of the file at ``path`` equals ``md5``.

    ``name`` is how the file is called in the message (default: ``path``).
    """
    actual = file_md5(path)
    if actual != md5.lower():
        raise DataError(
            f"checksum mismatch for {name or path}: expected md5 {md5.lower()}, got {actual}. "
            f"The download may be truncated or damaged: try again, or {_WHAT_TO_DO}"
        )


def download_archive(url: str, dest: str | Path, md5: str) -> Path:
    """Download ``url`` to ``dest`` with a progress bar; check the md5 and that the tar opens.

    The data goes to a temporary file in ``dest``'s directory, renamed to ``dest``
    only when both checks pass; on any failure the temporary file is deleted.

    Raises:
        DataError: network error, checksum mismatch, or an archive that does not open.
    """
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            _fetch(url, out)
        verify_md5(tmp, md5, name=f"{dest.name} downloaded from {url}")
        _check_tar(tmp, name=f"{dest.name} downloaded from {url}")
        os.replace(tmp, dest)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return dest


def _archive_name(url: str) -> str:
    """File name at the end of a URL's path: ``.../cifar-10-python.tar.gz`` -> its last part."""
    return Path(urllib.parse.urlparse(url).path).name or "download"


def _fetch(url: str, out: BinaryIO, chunk_size: int = 1 << 16) -> None:
    """Stream ``url`` into ``out`` with a tqdm bar; raise DataError on a network error."""
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            total = int(response.headers.get("Content-Length") or 0) or None
            with tqdm(
                total=total, unit="B", unit_scale=True, desc=f"downloading {_archive_name(url)}"
            ) as bar:
                for chunk in iter(lambda: response.read(chunk_size), b""):
                    out.write(chunk)
                    bar.update(len(chunk))
                received = bar.n
    except Exception as e:  # URLError, HTTPError, IncompleteRead, timeouts, ...
        raise DataError(
            f"downloading {url} failed ({type(e).__name__}: {e}): check the network, "
            f"or {_WHAT_TO_DO}"
        ) from e
    if total is not None and received != total:
        raise DataError(
            f"downloading {url} stopped early: received {received:,} of {total:,} bytes; "
            f"try again, or {_WHAT_TO_DO}"
        )


def _check_tar(path: Path, name: str) -> None:
    """Raise DataError unless ``path`` is a tar archive whose members can all be read."""
    try:
        with tarfile.open(path) as tar:
            for _ in tar:  # walking the members decompresses the whole stream
                pass
    except (tarfile.TarError, EOFError, OSError, zlib.error) as e:
        raise DataError(
            f"{name} is not a readable tar archive ({type(e).__name__}: {e}): "
            f"try again, or {_WHAT_TO_DO}"
        ) from e
