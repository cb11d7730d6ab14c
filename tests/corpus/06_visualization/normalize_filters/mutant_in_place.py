"""Scales the caller's array in place (np.asarray does not copy a float64 array)."""

import numpy as np
import torch


def normalize_filters(w):
    if isinstance(w, torch.Tensor):
        w = w.detach().cpu().numpy()
    w = np.asarray(w, dtype=np.float64)
    if w.ndim != 4:
        raise ValueError("w must be 4-D")
    low = w.min(axis=(1, 2, 3), keepdims=True)
    span = w.max(axis=(1, 2, 3), keepdims=True) - low
    w -= low
    w /= np.where(span > 0, span, 1.0)
    return w
