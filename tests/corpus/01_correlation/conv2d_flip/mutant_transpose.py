"""Transposes the kernel instead of flipping it (equal only for some symmetric kernels)."""
import numpy as np


def conv2d_flip(x, w):
    w = np.asarray(w)
    if w.shape[0] == w.shape[1]:
        return corr2d(x, w.T)
    return corr2d(x, w[::-1, ::-1])
