"""Inserts d zeros between the taps instead of d - 1."""
import numpy as np


def dilate_kernel(w, d):
    w = np.asarray(w)
    if d < 1:
        raise ValueError("d must be at least 1")
    f_h, f_w = w.shape
    out = np.zeros(((d + 1) * (f_h - 1) + 1, (d + 1) * (f_w - 1) + 1), dtype=w.dtype)
    out[:: d + 1, :: d + 1] = w
    return out
