"""Divides the window sum by size instead of size * size."""
import numpy as np


def avg_pool2d(x, size, stride=None):
    x = np.asarray(x, dtype=np.float64)
    stride = size if stride is None else stride
    n, c, h, w = x.shape
    if size > h or size > w or (h - size) % stride or (w - size) % stride:
        raise ValueError(f"a {size}x{size} window with stride {stride} does not fit a {h}x{w} input")
    h_out, w_out = (h - size) // stride + 1, (w - size) // stride + 1
    out = np.zeros((n, c, h_out, w_out))
    for i in range(h_out):
        for j in range(w_out):
            window = x[:, :, i * stride:i * stride + size, j * stride:j * stride + size]
            out[:, :, i, j] = window.sum(axis=(2, 3)) / size
    return out
