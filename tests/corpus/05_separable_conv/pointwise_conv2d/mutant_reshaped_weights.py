"""Wrong weight layout: reshapes w to (C, F_N) instead of transposing, mixing up the weights."""
import numpy as np


def pointwise_conv2d(x, w):
    if x.ndim != 4 or w.ndim != 4 or w.shape[1] != x.shape[1] or w.shape[2:] != (1, 1):
        raise ValueError("shape mismatch")
    f_n, c = w.shape[:2]
    return np.einsum("cf,nchw->nfhw", w.reshape(c, f_n), x)
