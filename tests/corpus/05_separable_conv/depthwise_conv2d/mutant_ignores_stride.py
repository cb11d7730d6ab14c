"""Ignores stride: always slides the window one pixel at a time."""
import numpy as np


def depthwise_conv2d(x, w, stride=1, padding=0):
    if x.ndim != 4 or w.ndim != 4 or w.shape[:2] != (x.shape[1], 1):
        raise ValueError("shape mismatch")
    n, c, height, width = x.shape
    f_h, f_w = w.shape[2:]
    h_out = height + 2 * padding - f_h + 1
    w_out = width + 2 * padding - f_w + 1
    if h_out < 1 or w_out < 1:
        raise ValueError("kernel does not fit")
    x_pad = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    out = np.zeros((n, c, h_out, w_out))
    for u in range(f_h):
        for v in range(f_w):
            out += x_pad[:, :, u : u + h_out, v : v + w_out] * w[:, 0, u, v][None, :, None, None]
    return out
