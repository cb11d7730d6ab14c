"""Returns the output channels last, (N, H, W, F_N), instead of (N, F_N, H, W)."""
import numpy as np


def pointwise_conv2d(x, w):
    if x.ndim != 4 or w.ndim != 4 or w.shape[1] != x.shape[1] or w.shape[2:] != (1, 1):
        raise ValueError("shape mismatch")
    return np.tensordot(x, w[:, :, 0, 0], axes=([1], [1]))
