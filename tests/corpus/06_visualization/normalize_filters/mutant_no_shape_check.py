"""Flattens everything after the first axis: any array passes, a single (C, F_h, F_w) filter too."""

import numpy as np
import torch


def normalize_filters(w):
    if isinstance(w, torch.Tensor):
        w = w.detach().cpu().numpy()
    w = np.asarray(w, dtype=np.float64)
    flat = w.reshape(len(w), -1)
    low = flat.min(axis=1, keepdims=True)
    span = flat.max(axis=1, keepdims=True) - low
    return ((flat - low) / np.where(span > 0, span, 1.0)).reshape(w.shape)
