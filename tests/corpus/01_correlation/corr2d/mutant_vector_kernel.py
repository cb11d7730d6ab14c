"""Checks the input's dimensions but lets a 1-D kernel broadcast along the rows."""
import numpy as np


def corr2d(x, w):
    x, w = np.asarray(x, dtype=float), np.atleast_2d(np.asarray(w, dtype=float))
    if x.ndim != 2:
        raise ValueError("x must be 2-D")
    (h, width), (f_h, f_w) = x.shape, w.shape
    if f_h > h or f_w > width:
        raise ValueError("kernel larger than input")
    out = np.zeros((h - f_h + 1, width - f_w + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(x[i:i + f_h, j:j + f_w] * w)
    return out
