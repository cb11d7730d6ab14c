"""Pads only the top and left (p zeros before, none after)."""
import numpy as np


def zero_pad(x, p):
    x = np.asarray(x)
    return np.pad(x, [(0, 0)] * (x.ndim - 2) + [(p, 0), (p, 0)])
