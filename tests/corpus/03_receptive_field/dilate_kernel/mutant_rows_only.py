"""Dilates along the rows only; the columns keep their spacing."""
import numpy as np


def dilate_kernel(w, d):
    w = np.asarray(w)
    if d < 1:
        raise ValueError("d must be at least 1")
    f_h, f_w = w.shape
    out = np.zeros((d * (f_h - 1) + 1, f_w), dtype=w.dtype)
    out[::d, :] = w
    return out
