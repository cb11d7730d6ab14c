"""Forgets the flip: returns the correlation."""
import numpy as np


def conv2d_flip(x, w):
    return corr2d(x, w)
