"""Allocates zeros and copies x into the middle with slicing."""
import numpy as np


def zero_pad(x, p):
    x = np.asarray(x)
    if p < 0:
        raise ValueError("negative padding")
    *lead, h, w = x.shape  # raises ValueError for fewer than two axes
    out = np.zeros((*lead, h + 2 * p, w + 2 * p), dtype=x.dtype)
    out[..., p:p + h, p:p + w] = x
    return out
