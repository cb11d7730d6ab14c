"""Scales each filter with in5400lib.plotting's private min-max helper."""
import numpy as np

from in5400lib.plotting import _scale_01


def normalize_filters(w):
    if isinstance(w, torch.Tensor):
        w = w.detach().cpu().numpy()
    w = np.asarray(w, dtype=np.float64)
    return np.stack([_scale_01(f) for f in w])
