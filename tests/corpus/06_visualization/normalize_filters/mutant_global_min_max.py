"""Global min-max: scales all filters together instead of each filter on its own."""

import numpy as np
import torch


def normalize_filters(w):
    if isinstance(w, torch.Tensor):
        w = w.detach().cpu().numpy()
    w = np.asarray(w, dtype=np.float64)
    if w.ndim != 4:
        raise ValueError("w must be 4-D")
    span = w.max() - w.min()
    return (w - w.min()) / (span if span > 0 else 1.0)
