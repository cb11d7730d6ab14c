"""Two loops over the taps, float output."""
import numpy as np


def dilate_kernel(w, d):
    if d < 1:
        raise ValueError(f"dilation {d} < 1")
    w = np.asarray(w, dtype=float)
    out = np.zeros((d * (w.shape[0] - 1) + 1, d * (w.shape[1] - 1) + 1))
    for i in range(w.shape[0]):
        for j in range(w.shape[1]):
            out[d * i, d * j] = w[i, j]
    return out
