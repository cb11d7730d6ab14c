"""Reads the answer off scipy.signal.correlate2d."""
import numpy as np
from scipy import signal


def corr2d(x, w):
    x = np.asarray(x, dtype=np.float64)
    w = np.asarray(w, dtype=np.float64)
    if w.shape[0] > x.shape[0] or w.shape[1] > x.shape[1]:
        raise ValueError(f"kernel {w.shape} is larger than the input {x.shape}")
    return signal.correlate2d(x, w, mode="valid")
