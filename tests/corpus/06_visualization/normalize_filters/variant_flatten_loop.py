"""Loops over the filters, each flattened to a vector, with np.ptp and a skip for constant filters."""

import numpy as np
import torch


def normalize_filters(w):
    if len(w.shape) != 4:
        raise ValueError(f"expected (F_N, C, F_h, F_w), got {tuple(w.shape)}")
    if isinstance(w, torch.Tensor):
        w = w.detach().numpy()
    flat = np.array(w, dtype=np.float32).reshape(len(w), -1)
    out = np.zeros_like(flat)
    for f, values in enumerate(flat):
        span = np.ptp(values)
        if span != 0:
            out[f] = (values - values.min()) / span
    return out.reshape(np.shape(w))
