"""No error for a kernel larger than the input: returns an empty array instead."""
import numpy as np


def corr2d(x, w):
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    h, width = max(x.shape[0] - w.shape[0] + 1, 0), max(x.shape[1] - w.shape[1] + 1, 0)
    out = np.zeros((h, width))
    for i in range(h):
        for j in range(width):
            out[i, j] = np.sum(x[i:i + w.shape[0], j:j + w.shape[1]] * w)
    return out
