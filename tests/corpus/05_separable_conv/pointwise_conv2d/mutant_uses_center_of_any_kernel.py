"""Accepts any kernel size and silently uses w[:, :, 0, 0] (no check that w is 1x1)."""
import numpy as np


def pointwise_conv2d(x, w):
    if x.ndim != 4 or w.ndim != 4 or w.shape[1] != x.shape[1]:
        raise ValueError("shape mismatch")
    return np.einsum("fc,nchw->nfhw", w[:, :, 0, 0], x)
