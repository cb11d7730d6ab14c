"""A fast, vectorized numpy convolution layer (the "after the exercise" version).

Notebook 02 has students write ``conv2d`` with loops; this module is imported
only after that exercise to show the same layer without Python loops over
pixels, in two numpy calls:

1. ``sliding_window_view`` gives every receptive field (one ``C x F_h x F_w``
   window of the padded input) as a view of shape ``(N, C, H', W', F_h, F_w)``
   without copying anything;
2. ``np.einsum(..., optimize=True)`` sums window times filter over
   ``(C, F_h, F_w)``. numpy turns this contraction into a single matrix product
   (BLAS): it copies the windows into one matrix, one window per row or column,
   which is the *im2col* trick of fast convolution code.

Like every layer in these notebooks it computes a cross-correlation (no kernel
flip), as ``torch.nn.functional.conv2d`` does. ``benchmarks/conv_speed.py``
compares it with loops, other numpy strategies (explicit im2col + matmul among
them) and torch; see ``docs/benchmarks-conv.md``.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

__all__ = ["conv_output_shape", "windows", "conv2d"]


def conv_output_shape(
    h: int, w: int, f_h: int, f_w: int, stride: int = 1, padding: int = 0
) -> tuple[int, int]:
    """Output height and width ``(H', W')`` of a convolution, ``(N - F + 2P) / S + 1``.

    Raises ``ValueError`` when the filter does not fit a whole number of times
    (the layer never silently drops border pixels) or is larger than the padded input.
    """
    sizes = []
    for n, f in ((h, f_h), (w, f_w)):
        span = n + 2 * padding - f
        if span < 0:
            raise ValueError(
                f"a filter of size {f} is larger than the padded input {n + 2 * padding}"
            )
        if span % stride:
            raise ValueError(
                f"(N - F + 2P) / S + 1 = ({n} - {f} + 2*{padding}) / {stride} + 1 = "
                f"{span / stride + 1:.2f} is not a whole number: the filter does not fit"
            )
        sizes.append(span // stride + 1)
    return sizes[0], sizes[1]


def windows(x: np.ndarray, f_h: int, f_w: int, stride: int = 1, padding: int = 0) -> np.ndarray:
    """Every receptive field of ``x``, as a view (only the padding makes a copy).

    Args:
        x: input batch, shape ``(N, C, H, W)``.
        f_h, f_w: filter height and width.
        stride, padding: as in ``conv2d``.

    Returns:
        An array of shape ``(N, C, H', W', F_h, F_w)`` with
        ``windows[n, c, i, j] == x_padded[n, c, i*S : i*S + F_h, j*S : j*S + F_w]``.
    """
    conv_output_shape(
        x.shape[2], x.shape[3], f_h, f_w, stride, padding
    )  # raises if it does not fit
    if padding:
        x = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    return sliding_window_view(x, (f_h, f_w), axis=(2, 3))[:, :, ::stride, ::stride]


def conv2d(
    x: np.ndarray,
    w: np.ndarray,
    b: np.ndarray | None = None,
    stride: int = 1,
    padding: int = 0,
) -> np.ndarray:
    """Convolution layer (cross-correlation) of a batch with a filter bank, vectorized.

    Args:
        x: input batch, shape ``(N, C, H, W)``.
        w: filter bank, shape ``(F_N, C, F_h, F_w)``.
        b: one bias per filter, shape ``(F_N,)``, or ``None``.
        stride: step of the sliding window (both axes).
        padding: zeros added on each side of both spatial axes.

    Returns:
        Feature maps of shape ``(N, F_N, H', W')`` with
        ``H' = (H - F_h + 2P) / S + 1`` and ``W' = (W - F_w + 2P) / S + 1``.

    Raises:
        ValueError: if the channels of ``x`` and ``w`` differ or the filter does not fit.
    """
    if x.ndim != 4 or w.ndim != 4:
        raise ValueError(
            f"expected x (N, C, H, W) and w (F_N, C, F_h, F_w), got {x.shape}, {w.shape}"
        )
    c, (f_n, f_c, f_h, f_w) = x.shape[1], w.shape
    if c != f_c:
        raise ValueError(f"the input has {c} channels but the filters have {f_c}")
    # out[n, k, i, j] = sum over c, u, v of window[n, c, i, j, u, v] * w[k, c, u, v]
    out = np.einsum("nchwuv,kcuv->nkhw", windows(x, f_h, f_w, stride, padding), w, optimize=True)
    if b is not None:
        out = out + np.asarray(b).reshape(1, f_n, 1, 1)
    return np.ascontiguousarray(out)
