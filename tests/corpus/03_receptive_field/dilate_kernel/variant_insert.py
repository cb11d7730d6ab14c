"""np.insert of d - 1 zero rows, then d - 1 zero columns, between neighbouring taps."""
import numpy as np


def dilate_kernel(w, d):
    if d < 1:
        raise ValueError("the dilation must be at least 1")
    out = np.asarray(w, dtype=float)
    for axis in (0, 1):
        gaps = np.repeat(np.arange(1, out.shape[axis]), d - 1)
        out = np.insert(out, gaps, 0.0, axis=axis)
    return out
