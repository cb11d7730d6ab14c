"""Swapped kernel axes: uses F_w for rows and F_h for columns (only right for square kernels)."""
import numpy as np


def corr2d(x, w):
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    f_h, f_w = w.shape[1], w.shape[0]
    if f_h > x.shape[0] or f_w > x.shape[1]:
        raise ValueError("kernel larger than input")
    out = np.zeros((x.shape[0] - f_h + 1, x.shape[1] - f_w + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(x[i:i + f_h, j:j + f_w] * w.reshape(f_h, f_w))
    return out
