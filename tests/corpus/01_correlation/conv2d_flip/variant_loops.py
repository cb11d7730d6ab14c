"""Explicit loops with flipped indices, independent of corr2d."""
import numpy as np


def conv2d_flip(x, w):
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    (h, width), (f_h, f_w) = x.shape, w.shape
    if f_h > h or f_w > width:
        raise ValueError("kernel larger than input")
    out = np.zeros((h - f_h + 1, width - f_w + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            for m in range(f_h):
                for n in range(f_w):
                    out[i, j] += x[i + m, j + n] * w[f_h - 1 - m, f_w - 1 - n]
    return out
