"""Integer truncation: the output array takes the input's dtype."""
import numpy as np


def corr2d(x, w):
    x, w = np.asarray(x), np.asarray(w)
    if w.shape[0] > x.shape[0] or w.shape[1] > x.shape[1]:
        raise ValueError("kernel larger than input")
    out = np.zeros((x.shape[0] - w.shape[0] + 1, x.shape[1] - w.shape[1] + 1), dtype=x.dtype)
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(x[i:i + w.shape[0], j:j + w.shape[1]] * w)
    return out
