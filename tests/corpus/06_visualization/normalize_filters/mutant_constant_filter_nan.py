"""No guard against max == min: a constant filter becomes 0 / 0 = NaN."""

import numpy as np
import torch


def normalize_filters(w):
    if isinstance(w, torch.Tensor):
        w = w.detach().cpu().numpy()
    w = np.asarray(w, dtype=np.float64)
    if w.ndim != 4:
        raise ValueError("w must be 4-D")
    low = w.min(axis=(1, 2, 3), keepdims=True)
    high = w.max(axis=(1, 2, 3), keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (w - low) / (high - low)
