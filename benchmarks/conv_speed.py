"""Time a conv layer three ways: Python loops, vectorized numpy, and torch.

    .venv/bin/python benchmarks/conv_speed.py               # the table in docs/benchmarks-conv.md
    .venv/bin/python benchmarks/conv_speed.py --strategies  # also the other numpy strategies
    .venv/bin/python benchmarks/conv_speed.py --threads 1

All methods run in one process on the same float32 arrays with the same thread count:
the BLAS/OpenMP thread variables are set *before* numpy and torch are imported, and
``torch.set_num_threads`` gets the same number. Layers are cs231n-sized: 32x32 inputs,
3x3 filters, padding 1, stride 1.

Every measurement is the median of several calls, and the methods take turns (one call
of each per round), so that a burst of load from other processes hits all of them. The
loop version (the style of notebook 02's exercise: loops over images, filters and output
pixels) is slow, so on batches larger than ``--loop-images`` it is timed on that many
images and scaled linearly to the full batch; the table marks those rows with ``*``.
"""

from __future__ import annotations

import argparse
import os
import sys


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, default=2, help="threads for BLAS, OpenMP, torch")
    parser.add_argument("--repeats", type=int, default=7, help="timed calls per method")
    parser.add_argument("--loop-images", type=int, default=2, help="images timed with loops")
    parser.add_argument("--strategies", action="store_true", help="time other numpy strategies")
    return parser.parse_args()


ARGS = parse_args() if __name__ == "__main__" else None
if ARGS is not None:  # must happen before numpy / torch start their thread pools
    for variable in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ[variable] = str(ARGS.threads)

import statistics  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402
from numpy.lib.stride_tricks import sliding_window_view  # noqa: E402

from in5400lib.conv import conv2d as conv2d_library  # noqa: E402

# (N, C, F_N): batch, input channels, filters; all with 32x32 inputs and 3x3 filters
SHAPES = [(2, 3, 16), (16, 3, 32), (16, 32, 32), (64, 3, 32), (64, 32, 64), (64, 64, 64)]
SIZE, KERNEL, PADDING = 32, 3, 1

Conv = Callable[[np.ndarray, np.ndarray], np.ndarray]


def conv2d_loops(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Notebook 02's style: loops over images, filters and output pixels (padding 1)."""
    n, _, h, width = x.shape
    f_n, _, f_h, f_w = w.shape
    x = np.pad(x, ((0, 0), (0, 0), (PADDING, PADDING), (PADDING, PADDING)))
    out = np.zeros((n, f_n, h, width), dtype=x.dtype)
    for image in range(n):
        for k in range(f_n):
            for i in range(h):
                for j in range(width):
                    out[image, k, i, j] = np.sum(x[image, :, i : i + f_h, j : j + f_w] * w[k])
    return out


def _windows(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """(N, C, H', W', F_h, F_w) view of the padded input (no copy)."""
    x = np.pad(x, ((0, 0), (0, 0), (PADDING, PADDING), (PADDING, PADDING)))
    return sliding_window_view(x, w.shape[2:], axis=(2, 3))


def conv2d_im2col(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Explicit im2col: windows copied into a (C*F_h*F_w, N*H*W) matrix, then one matmul."""
    n, c, h, width = x.shape
    f_n, _, f_h, f_w = w.shape
    cols = _windows(x, w).transpose(1, 4, 5, 0, 2, 3).reshape(c * f_h * f_w, n * h * width)
    out = (w.reshape(f_n, -1) @ cols).reshape(f_n, n, h, width)
    return np.ascontiguousarray(out.transpose(1, 0, 2, 3))


def conv2d_tensordot(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """tensordot over (C, F_h, F_w) of the window view: (N, H', W', F_N), then transposed."""
    out = np.tensordot(_windows(x, w), w, axes=([1, 4, 5], [1, 2, 3]))
    return np.ascontiguousarray(out.transpose(0, 3, 1, 2))


def conv2d_taps(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Per-tap accumulation: for each of the F_h * F_w taps, one (F_N, C) @ (C, N*H*W) matmul."""
    n, c, h, width = x.shape
    f_n, _, f_h, f_w = w.shape
    x = np.pad(x, ((0, 0), (0, 0), (PADDING, PADDING), (PADDING, PADDING)))
    out = np.zeros((f_n, n * h * width), dtype=x.dtype)
    for u in range(f_h):
        for v in range(f_w):
            shifted = x[:, :, u : u + h, v : v + width].transpose(1, 0, 2, 3).reshape(c, -1)
            out += np.ascontiguousarray(w[:, :, u, v]) @ shifted  # BLAS needs contiguous operands
    return np.ascontiguousarray(out.reshape(f_n, n, h, width).transpose(1, 0, 2, 3))


def conv2d_torch(x: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
    with torch.no_grad():
        return torch.nn.functional.conv2d(x, w, padding=PADDING)


def measure(calls: dict[str, Callable[[], object]], repeats: int) -> dict[str, float]:
    """Median wall time of each call; the calls take turns, after one warm-up call each."""
    times: dict[str, list[float]] = {name: [] for name in calls}
    for call in calls.values():
        call()
    for _ in range(repeats):
        for name, call in calls.items():
            start = time.perf_counter()
            call()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in times.items()}


def time_layer(
    rng: np.random.Generator, n: int, c: int, f_n: int, numpy_methods: dict[str, Conv], args
) -> dict[str, float]:
    """Median seconds per method for one layer; checks every numpy method against torch first."""
    x = rng.standard_normal((n, c, SIZE, SIZE), dtype=np.float32)
    w = rng.standard_normal((f_n, c, KERNEL, KERNEL), dtype=np.float32)
    xt, wt = torch.from_numpy(x), torch.from_numpy(w)
    reference = conv2d_torch(xt, wt).numpy()
    for name, method in numpy_methods.items():
        error = float(np.abs(method(x, w) - reference).max())
        if error > 1e-3 * float(np.abs(reference).max()):
            raise AssertionError(f"{name} disagrees with torch on {(n, c, f_n)}: {error:.3g}")

    calls: dict[str, Callable[[], object]] = {
        name: (lambda m=method: m(x, w)) for name, method in numpy_methods.items()
    }
    calls["torch"] = lambda: conv2d_torch(xt, wt)
    median = measure(calls, args.repeats)

    subset = min(n, args.loop_images)  # loops: timed on `subset` images, scaled to n
    x_subset = x[:subset]
    loops = measure({"loops": lambda: conv2d_loops(x_subset, w)}, repeats=1)["loops"]
    median["loops"] = loops * n / subset
    return median


def main(args: argparse.Namespace) -> int:
    torch.set_num_threads(args.threads)
    numpy_methods: dict[str, Conv] = {"numpy einsum": lambda x, w: conv2d_library(x, w, padding=1)}
    if args.strategies:
        numpy_methods |= {
            "numpy im2col": conv2d_im2col,
            "numpy tensordot": conv2d_tensordot,
            "numpy per-tap": conv2d_taps,
        }
    load = os.getloadavg()[0]
    print(
        f"numpy {np.__version__}, torch {torch.__version__}, float32, {args.threads} thread(s), "
        f"median of {args.repeats}; OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '')}; "
        f"1-minute load average at start {load:.2f} on {os.cpu_count()} CPUs\n"
    )
    names = ["loops", *numpy_methods, "torch"]
    header = "| N | C | F_N | " + " | ".join(f"{n} (ms)" for n in names)
    header += " | loops / torch | " + " | ".join(f"{n} / torch" for n in numpy_methods) + " |"
    print(header)
    print("|" + " --- |" * (header.count("|") - 1))
    rng = np.random.default_rng(0)
    for n, c, f_n in SHAPES:
        median = time_layer(rng, n, c, f_n, numpy_methods, args)
        star = "*" if args.loop_images < n else ""
        row = f"| {n} | {c} | {f_n} | {median['loops'] * 1e3:.0f}{star} | "
        row += " | ".join(f"{median[name] * 1e3:.2f}" for name in [*numpy_methods, "torch"])
        row += f" | {median['loops'] / median['torch']:.0f}{star} | "
        row += " | ".join(f"{median[name] / median['torch']:.2f}" for name in numpy_methods)
        print(row + " |", flush=True)
    print(
        f"\n* loops timed on {args.loop_images} image(s) and scaled linearly to N. "
        f"1-minute load average at the end {os.getloadavg()[0]:.2f}."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(ARGS))
