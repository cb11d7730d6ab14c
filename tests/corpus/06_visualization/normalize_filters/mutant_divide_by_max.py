"""Divides each filter by its largest absolute value without shifting its minimum to 0."""

import numpy as np
import torch


def normalize_filters(w):
    if isinstance(w, torch.Tensor):
        w = w.detach().cpu().numpy()
    w = np.asarray(w, dtype=np.float64)
    if w.ndim != 4:
        raise ValueError("w must be 4-D")
    scale = np.abs(w).max(axis=(1, 2, 3), keepdims=True)
    return w / np.where(scale > 0, scale, 1.0)
