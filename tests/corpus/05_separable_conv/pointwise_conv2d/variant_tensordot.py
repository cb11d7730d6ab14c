"""np.tensordot over the channel axis, then move the new channel axis into place."""
import numpy as np


def pointwise_conv2d(x, w):
    if x.ndim != 4 or w.ndim != 4 or w.shape[2:] != (1, 1) or w.shape[1] != x.shape[1]:
        raise ValueError(f"cannot apply a {w.shape} pointwise kernel to {x.shape}")
    out = np.tensordot(w[:, :, 0, 0], x, axes=([1], [1]))  # (F_N, N, H, W)
    return out.transpose(1, 0, 2, 3)
