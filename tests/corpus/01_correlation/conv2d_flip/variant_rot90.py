"""Flip both axes with np.rot90 (two quarter turns) and reuse corr2d."""
import numpy as np


def conv2d_flip(x, w):
    return corr2d(x, np.rot90(np.asarray(w), 2))
