"""Tests of in5400lib.data: parsing the real subset, path resolution, download and cache."""

from __future__ import annotations

import hashlib
import http.server
import io
import os
import pickle
import shutil
import tarfile
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from in5400lib import data
from in5400lib.data import CIFAR10, CLASSES, DataError, file_md5, load_cifar10

SUBSET_ROOT = (
    Path(os.environ["IN5400_DATA_DIR"])
    if os.environ.get("IN5400_DATA_DIR")
    else Path(__file__).resolve().parents[2] / "shared" / "data" / "cifar-10-subset"
)
needs_subset = pytest.mark.skipif(
    not SUBSET_ROOT.exists(),
    reason=f"the CIFAR-10 subset is not at {SUBSET_ROOT}: set IN5400_DATA_DIR to it",
)

IMAGES_PER_BATCH = 3


@pytest.fixture(autouse=True)
def no_data_dir_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """CI sets IN5400_DATA_DIR; each test sets it itself when it needs it."""
    monkeypatch.delenv("IN5400_DATA_DIR", raising=False)
    monkeypatch.delenv("IN5400_CACHE_DIR", raising=False)


# --------------------------------------------------------------------------- real subset


@pytest.fixture(scope="module")
def subset() -> CIFAR10:
    if not SUBSET_ROOT.exists():
        pytest.skip(f"the CIFAR-10 subset is not at {SUBSET_ROOT}: set IN5400_DATA_DIR to it")
    return load_cifar10(SUBSET_ROOT)


def test_subset_shapes_and_dtypes(subset: CIFAR10) -> None:
    assert subset.x_train.shape == (5170, 3, 32, 32)
    assert subset.y_train.shape == (5170,)
    assert subset.x_test.shape == (1017, 3, 32, 32)
    assert subset.y_test.shape == (1017,)
    assert subset.x_train.dtype == np.uint8 and subset.x_test.dtype == np.uint8
    assert subset.y_train.dtype == np.int64 and subset.y_test.dtype == np.int64


def test_subset_labels_and_classes(subset: CIFAR10) -> None:
    assert subset.classes == CLASSES
    assert CLASSES[0] == "airplane" and CLASSES[9] == "truck" and len(CLASSES) == 10
    for y in (subset.y_train, subset.y_test):
        assert y.min() == 0 and y.max() == 9
        assert len(np.unique(y)) == 10  # every class occurs in the subset


def test_subset_pixels_match_the_pickle_layout(subset: CIFAR10) -> None:
    """The flat row is 1024 red, then 1024 green, then 1024 blue values, row-major."""
    batches_dir = data.find_batches_dir(SUBSET_ROOT)
    with open(batches_dir / "test_batch", "rb") as f:
        raw = pickle.load(f, encoding="bytes")
    row = raw[b"data"][7]
    np.testing.assert_array_equal(subset.x_test[7, 1, 0, :], row[1024 : 1024 + 32])
    np.testing.assert_array_equal(subset.x_test[7, 2, 31, :], row[3072 - 32 :])
    assert subset.y_test[7] == raw[b"labels"][7]
    assert subset.x_train.std() > 10  # real images, not a constant array


def test_subset_source_says_subset_and_counts(subset: CIFAR10) -> None:
    assert "subset" in subset.source
    assert "5,170 train" in subset.source and "1,017 test" in subset.source
    assert "cifar-10-batches-py" in subset.source


# --------------------------------------------------------------------------- resolution


def write_batches(root: Path, n: int = IMAGES_PER_BATCH, seed: int = 0) -> Path:
    """A tiny data set in the official layout: ``root/cifar-10-batches-py/...``."""
    rng = np.random.default_rng(seed)
    batches_dir = root / "cifar-10-batches-py"
    batches_dir.mkdir(parents=True)
    for name in (*data.TRAIN_BATCHES, data.TEST_BATCH):
        content = {
            b"batch_label": name.encode(),
            b"data": rng.integers(0, 256, size=(n, 3072), dtype=np.uint8),
            b"labels": [int(v) for v in rng.integers(0, 10, size=n)],
            b"filenames": [f"{name}_{i}.png".encode() for i in range(n)],
        }
        (batches_dir / name).write_bytes(pickle.dumps(content, protocol=2))
    meta = {b"label_names": [c.encode() for c in CLASSES], b"num_cases_per_batch": n}
    (batches_dir / "batches.meta").write_bytes(pickle.dumps(meta, protocol=2))
    return batches_dir


@needs_subset
def test_env_var_is_used(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("IN5400_DATA_DIR", str(SUBSET_ROOT))
    cifar = load_cifar10(cache_dir=tmp_path, download=False)
    assert len(cifar.x_train) == 5170
    assert "IN5400_DATA_DIR" in cifar.source


def test_argument_wins_over_env_var(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    write_batches(tmp_path / "a", n=2)
    write_batches(tmp_path / "b", n=4)
    monkeypatch.setenv("IN5400_DATA_DIR", str(tmp_path / "b"))
    assert len(load_cifar10(tmp_path / "a").x_train) == 5 * 2
    assert len(load_cifar10().x_train) == 5 * 4


def test_batches_dir_and_its_parent_are_accepted(tmp_path: Path) -> None:
    batches_dir = write_batches(tmp_path)
    from_dir = load_cifar10(batches_dir)
    from_parent = load_cifar10(str(tmp_path))
    np.testing.assert_array_equal(from_dir.x_train, from_parent.x_train)
    assert from_dir.x_train.shape == (5 * IMAGES_PER_BATCH, 3, 32, 32)
    assert from_dir.x_test.shape == (IMAGES_PER_BATCH, 3, 32, 32)


def test_train_batches_are_concatenated_in_order(tmp_path: Path) -> None:
    batches_dir = write_batches(tmp_path)
    cifar = load_cifar10(batches_dir)
    with open(batches_dir / "data_batch_2", "rb") as f:
        batch_2 = pickle.load(f, encoding="bytes")
    start = IMAGES_PER_BATCH  # batch 2 follows batch 1
    np.testing.assert_array_equal(
        cifar.x_train[start : start + IMAGES_PER_BATCH].reshape(IMAGES_PER_BATCH, -1),
        batch_2[b"data"],
    )
    np.testing.assert_array_equal(
        cifar.y_train[start : start + IMAGES_PER_BATCH], batch_2[b"labels"]
    )


def test_wrong_data_dir_raises_with_advice(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="IN5400_DATA_DIR"):
        load_cifar10(tmp_path)


def test_missing_batch_file_raises(tmp_path: Path) -> None:
    batches_dir = write_batches(tmp_path)
    (batches_dir / "data_batch_4").unlink()
    with pytest.raises(DataError, match="data_batch_4"):
        load_cifar10(batches_dir)


def test_malformed_batch_file_raises(tmp_path: Path) -> None:
    batches_dir = write_batches(tmp_path)
    (batches_dir / "test_batch").write_bytes(b"not a pickle at all")
    with pytest.raises(DataError, match="test_batch"):
        load_cifar10(batches_dir)


def test_batch_with_wrong_image_size_raises(tmp_path: Path) -> None:
    batches_dir = write_batches(tmp_path)
    bad = {b"data": np.zeros((2, 100), np.uint8), b"labels": [0, 1]}
    (batches_dir / "data_batch_3").write_bytes(pickle.dumps(bad))
    with pytest.raises(DataError, match=r"data_batch_3.*\(N, 3072\)"):
        load_cifar10(batches_dir)


def test_meta_without_label_names_raises(tmp_path: Path) -> None:
    batches_dir = write_batches(tmp_path)
    (batches_dir / "batches.meta").write_bytes(pickle.dumps({b"label_names": 10}))
    with pytest.raises(DataError, match="batches.meta has no list of label names"):
        load_cifar10(batches_dir)


def test_empty_cache_without_download_raises(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="download=False"):
        load_cifar10(cache_dir=tmp_path, download=False)


# --------------------------------------------------------------------------- download


def make_archive(
    tmp_path: Path, extra_member: str | None = None, without: str | None = None
) -> bytes:
    """A .tar.gz in the official layout (``cifar-10-batches-py/`` at the top), with an
    ``extra_member`` added or the file ``without`` left out if given."""
    source = tmp_path / "archive-source"
    write_batches(source)
    if without:
        (source / "cifar-10-batches-py" / without).unlink()
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        tar.add(source / "cifar-10-batches-py", arcname="cifar-10-batches-py")
        if extra_member:
            info = tarfile.TarInfo(extra_member)
            info.size = 4
            tar.addfile(info, io.BytesIO(b"evil"))
    shutil.rmtree(source)
    return buffer.getvalue()


def md5_of(content: bytes) -> str:
    return hashlib.md5(content).hexdigest()


class FileServer:
    """Serves ``files`` (path -> bytes) on 127.0.0.1; ``claimed_length`` can lie."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.claimed_length: dict[str, int] = {}
        self.requests = 0
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                server.requests += 1
                body = server.files.get(self.path)
                if body is None:
                    self.send_error(404)
                    return
                self.send_response(200)
                length = server.claimed_length.get(self.path, len(body))
                self.send_header("Content-Length", str(length))
                self.end_headers()
                self.wfile.write(body)
                self.close_connection = True

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()
        self.base_url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()


@pytest.fixture
def server() -> Iterator[FileServer]:
    file_server = FileServer()
    yield file_server
    if file_server.thread.is_alive():
        file_server.stop()


def assert_cache_clean(cache: Path) -> None:
    """No archive, temporary file or (half-)extracted directory is left in ``cache``."""
    left = sorted(p.name for p in cache.iterdir()) if cache.exists() else []
    assert left == [], f"files left in the cache: {left}"


def test_download_extracts_loads_and_then_uses_the_cache(
    server: FileServer, tmp_path: Path
) -> None:
    archive = make_archive(tmp_path)
    server.files["/cifar-10-python.tar.gz"] = archive
    url, cache = server.url("/cifar-10-python.tar.gz"), tmp_path / "cache"

    first = load_cifar10(cache_dir=cache, url=url, md5=md5_of(archive))
    assert first.x_train.shape == (5 * IMAGES_PER_BATCH, 3, 32, 32)
    assert first.x_test.shape == (IMAGES_PER_BATCH, 3, 32, 32)
    assert first.classes == CLASSES
    assert "download" in first.source and "subset" in first.source
    assert server.requests == 1
    assert sorted(p.name for p in cache.iterdir()) == [
        "cifar-10-batches-py",
        "cifar-10-python.tar.gz",
    ]

    server.stop()  # the second call must not need the network
    second = load_cifar10(cache_dir=cache, url=url, md5=md5_of(archive), download=False)
    np.testing.assert_array_equal(first.x_train, second.x_train)
    np.testing.assert_array_equal(first.y_test, second.y_test)
    assert "cache" in second.source
    assert server.requests == 1


def test_cache_dir_from_env_var(
    server: FileServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive = make_archive(tmp_path)
    server.files["/c.tar.gz"] = archive
    monkeypatch.setenv("IN5400_CACHE_DIR", str(tmp_path / "env-cache"))
    load_cifar10(url=server.url("/c.tar.gz"), md5=md5_of(archive))
    assert (tmp_path / "env-cache" / "cifar-10-batches-py" / "data_batch_5").is_file()


def test_default_cache_is_in_home(
    server: FileServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive = make_archive(tmp_path)
    server.files["/c.tar.gz"] = archive
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    load_cifar10(url=server.url("/c.tar.gz"), md5=md5_of(archive))
    assert (tmp_path / "home" / ".cache" / "in5400" / "cifar-10-batches-py").is_dir()


def test_wrong_md5_raises_and_leaves_nothing(server: FileServer, tmp_path: Path) -> None:
    archive = make_archive(tmp_path)
    server.files["/c.tar.gz"] = archive
    cache = tmp_path / "cache"
    with pytest.raises(DataError) as error:
        load_cifar10(cache_dir=cache, url=server.url("/c.tar.gz"), md5="0" * 32)
    message = str(error.value)
    assert "c.tar.gz" in message and "0" * 32 in message and md5_of(archive) in message
    assert "IN5400_DATA_DIR" in message
    assert_cache_clean(cache)


def test_truncated_archive_raises_and_leaves_nothing(server: FileServer, tmp_path: Path) -> None:
    archive = make_archive(tmp_path)
    server.files["/c.tar.gz"] = archive[: len(archive) // 2]
    cache = tmp_path / "cache"
    with pytest.raises(DataError, match="checksum mismatch"):
        load_cifar10(cache_dir=cache, url=server.url("/c.tar.gz"), md5=md5_of(archive))
    assert_cache_clean(cache)


def test_connection_closed_early_raises_and_leaves_nothing(
    server: FileServer, tmp_path: Path
) -> None:
    archive = make_archive(tmp_path)
    server.files["/c.tar.gz"] = archive[: len(archive) // 2]
    server.claimed_length["/c.tar.gz"] = len(archive)  # promises more than it sends
    cache = tmp_path / "cache"
    with pytest.raises(DataError, match=r"downloading .* failed .*IncompleteRead"):
        load_cifar10(cache_dir=cache, url=server.url("/c.tar.gz"), md5=md5_of(archive))
    assert_cache_clean(cache)


def test_corrupt_tar_with_matching_md5_raises_and_leaves_nothing(
    server: FileServer, tmp_path: Path
) -> None:
    garbage = np.random.default_rng(1).integers(0, 256, size=5000, dtype=np.uint8).tobytes()
    server.files["/c.tar.gz"] = garbage
    cache = tmp_path / "cache"
    with pytest.raises(DataError, match="not a readable tar archive"):
        load_cifar10(cache_dir=cache, url=server.url("/c.tar.gz"), md5=md5_of(garbage))
    assert_cache_clean(cache)


def test_archive_cut_short_with_matching_md5_leaves_no_half_extracted_directory(
    server: FileServer, tmp_path: Path
) -> None:
    archive = make_archive(tmp_path)
    cut = archive[: len(archive) * 3 // 4]  # the first members extract, then the data ends
    server.files["/c.tar.gz"] = cut
    cache = tmp_path / "cache"
    with pytest.raises(DataError, match="cannot extract"):
        load_cifar10(cache_dir=cache, url=server.url("/c.tar.gz"), md5=md5_of(cut))
    assert_cache_clean(cache)


def test_missing_url_raises(server: FileServer, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    with pytest.raises(DataError, match="404"):
        load_cifar10(cache_dir=cache, url=server.url("/nothing.tar.gz"), md5="0" * 32)
    assert_cache_clean(cache)


def test_archive_escaping_the_target_is_refused(server: FileServer, tmp_path: Path) -> None:
    archive = make_archive(tmp_path, extra_member="../escaped.txt")
    server.files["/c.tar.gz"] = archive
    cache = tmp_path / "cache"
    with pytest.raises(DataError, match="extract"):
        load_cifar10(cache_dir=cache, url=server.url("/c.tar.gz"), md5=md5_of(archive))
    assert not (tmp_path / "escaped.txt").exists()
    assert not (cache / "escaped.txt").exists()
    assert not (cache / "cifar-10-batches-py").exists()
    assert not [p for p in cache.iterdir() if p.name.startswith(".")]


def test_archive_without_a_batch_file_is_refused(server: FileServer, tmp_path: Path) -> None:
    archive = make_archive(tmp_path, without="data_batch_4")
    server.files["/c.tar.gz"] = archive
    cache = tmp_path / "cache"
    with pytest.raises(DataError, match=r"cannot extract .*c\.tar\.gz.*data_batch_4"):
        load_cifar10(cache_dir=cache, url=server.url("/c.tar.gz"), md5=md5_of(archive))
    assert_cache_clean(cache)


def test_file_md5(tmp_path: Path) -> None:
    path = tmp_path / "f.bin"
    path.write_bytes(b"abc")
    assert file_md5(path) == "900150983cd24fb0d6963f7d28e17f72"  # md5("abc"), RFC 1321
