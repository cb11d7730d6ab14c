"""Spreads the taps apart with a strided transposed convolution from torch."""
import numpy as np
import torch


def dilate_kernel(w, d):
    w = np.asarray(w)
    if d < 1:
        raise ValueError(f"the dilation must be at least 1, got {d}")
    taps = torch.from_numpy(w.astype(np.float64))[None, None]
    spread = torch.nn.functional.conv_transpose2d(taps, torch.ones(1, 1, 1, 1, dtype=torch.float64), stride=d)
    return spread[0, 0].numpy().astype(w.dtype)
