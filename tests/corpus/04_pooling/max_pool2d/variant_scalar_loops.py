"""Six nested loops over scalars."""
import numpy as np


def max_pool2d(x, size, stride=None):
    if size < 1 or (stride is not None and stride < 1):
        raise ValueError("size and stride must be at least 1")
    x = np.asarray(x, dtype=np.float64)
    if stride is None:
        stride = size
    n, c, h, w = x.shape
    h_out = (h - size) / stride + 1
    w_out = (w - size) / stride + 1
    if h_out < 1 or w_out < 1 or h_out != int(h_out) or w_out != int(w_out):
        raise ValueError(f"does not fit: {h_out} x {w_out} windows")
    out = np.empty((n, c, int(h_out), int(w_out)))
    for a in range(n):
        for b in range(c):
            for i in range(int(h_out)):
                for j in range(int(w_out)):
                    best = -np.inf
                    for u in range(size):
                        for v in range(size):
                            best = max(best, x[a, b, i * stride + u, j * stride + v])
                    out[a, b, i, j] = best
    return out
