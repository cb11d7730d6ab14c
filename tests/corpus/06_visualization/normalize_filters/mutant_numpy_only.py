"""Only accepts numpy arrays: np.asarray fails on a weight tensor that requires grad."""

import numpy as np


def normalize_filters(w):
    w = np.asarray(w, dtype=np.float64)
    if w.ndim != 4:
        raise ValueError("w must be 4-D")
    low = w.min(axis=(1, 2, 3), keepdims=True)
    span = w.max(axis=(1, 2, 3), keepdims=True) - low
    return (w - low) / np.where(span > 0, span, 1.0)
