"""Mixes the channels with torch.einsum on tensors instead of numpy."""
import numpy as np


def pointwise_conv2d(x, w):
    if x.ndim != 4 or w.ndim != 4:
        raise ValueError(f"x and w must be 4-D, got shapes {x.shape} and {w.shape}")
    if w.shape[1] != x.shape[1] or w.shape[2:] != (1, 1):
        raise ValueError(f"w must have shape (F_N, {x.shape[1]}, 1, 1), got {w.shape}")
    out = torch.einsum("fc,nchw->nfhw", torch.from_numpy(w[:, :, 0, 0]), torch.from_numpy(x))
    return np.asarray(out)
