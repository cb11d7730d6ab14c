"""Per-channel min-max: scales every (filter, channel) slice on its own, changing the filter's colours."""

import numpy as np
import torch


def normalize_filters(w):
    if isinstance(w, torch.Tensor):
        w = w.detach().cpu().numpy()
    w = np.asarray(w, dtype=np.float64)
    if w.ndim != 4:
        raise ValueError("w must be 4-D")
    low = w.min(axis=(2, 3), keepdims=True)
    span = w.max(axis=(2, 3), keepdims=True) - low
    return (w - low) / np.where(span > 0, span, 1.0)
