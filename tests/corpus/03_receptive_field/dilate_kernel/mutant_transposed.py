"""Places w[i, j] at (d j, d i): the kernel comes out transposed."""
import numpy as np


def dilate_kernel(w, d):
    w = np.asarray(w)
    if d < 1:
        raise ValueError("d must be at least 1")
    f_h, f_w = w.shape
    out = np.zeros((d * (f_w - 1) + 1, d * (f_h - 1) + 1))
    out[::d, ::d] = w.T
    return out
