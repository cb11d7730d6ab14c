"""Stride tricks: as_strided windows and tensordot."""
import numpy as np
from numpy.lib.stride_tricks import as_strided


def corr2d(x, w):
    x = np.ascontiguousarray(x, dtype=np.float64)
    w = np.asarray(w, dtype=np.float64)
    (h, width), (f_h, f_w) = x.shape, w.shape
    if f_h > h or f_w > width:
        raise ValueError("kernel larger than input")
    shape = (h - f_h + 1, width - f_w + 1, f_h, f_w)
    windows = as_strided(x, shape=shape, strides=x.strides * 2, writeable=False)
    return np.tensordot(windows, w, axes=([2, 3], [0, 1]))
