"""Assumes a (N, C, H, W) input: fails on other ranks."""
import numpy as np


def zero_pad(x, p):
    return np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
