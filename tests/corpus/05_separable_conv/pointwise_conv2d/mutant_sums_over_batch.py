"""Wrong einsum: also sums over the batch, every image gets the batch total."""
import numpy as np


def pointwise_conv2d(x, w):
    if x.ndim != 4 or w.ndim != 4 or w.shape[1] != x.shape[1] or w.shape[2:] != (1, 1):
        raise ValueError("shape mismatch")
    total = np.einsum("fc,nchw->fhw", w[:, :, 0, 0], x)
    return np.broadcast_to(total, (x.shape[0], *total.shape)).copy()
