"""Kronecker product with a d x d one-hot block, then crop the trailing zeros."""
import numpy as np


def dilate_kernel(w, d):
    if d < 1:
        raise ValueError("the dilation must be at least 1")
    w = np.asarray(w)
    spot = np.zeros((d, d), dtype=w.dtype)
    spot[0, 0] = 1
    big = np.kron(w, spot)
    return big[: d * (w.shape[0] - 1) + 1, : d * (w.shape[1] - 1) + 1]
