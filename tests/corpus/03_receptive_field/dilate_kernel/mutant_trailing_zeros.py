"""Puts d - 1 zeros after every tap, the last one included: shape d * F instead of d (F - 1) + 1."""
import numpy as np


def dilate_kernel(w, d):
    w = np.asarray(w)
    if d < 1:
        raise ValueError("d must be at least 1")
    spot = np.zeros((d, d))
    spot[0, 0] = 1
    return np.kron(w, spot)
