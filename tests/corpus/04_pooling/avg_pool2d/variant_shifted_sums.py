"""Sums the size * size shifted, strided copies of x, then divides by the area."""
import numpy as np


def avg_pool2d(x, size, stride=None):
    if size < 1 or (stride is not None and stride < 1):
        raise ValueError("size and stride must be at least 1")
    x = np.asarray(x, dtype=np.float64)
    stride = size if stride is None else stride
    n, c, h, w = x.shape
    if size > h or size > w or (h - size) % stride or (w - size) % stride:
        raise ValueError("the pooling window does not fit")
    h_out, w_out = (h - size) // stride + 1, (w - size) // stride + 1
    total = np.zeros((n, c, h_out, w_out))
    for u in range(size):
        for v in range(size):
            total += x[:, :, u:u + stride * (h_out - 1) + 1:stride, v:v + stride * (w_out - 1) + 1:stride]
    return total / size**2
