"""Concatenates zero blocks on the four sides."""
import numpy as np


def zero_pad(x, p):
    x = np.asarray(x, dtype=np.float64)
    if p < 0 or x.ndim < 2:
        raise ValueError("p >= 0 and at least two axes")
    side = np.zeros((*x.shape[:-1], p))
    x = np.concatenate([side, x, side], axis=-1)
    top = np.zeros((*x.shape[:-2], p, x.shape[-1]))
    return np.concatenate([top, x, top], axis=-2)
