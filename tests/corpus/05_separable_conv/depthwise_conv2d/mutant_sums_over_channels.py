"""Sums over all input channels: output channel c is every channel correlated with w[c, 0]."""
import numpy as np


def depthwise_conv2d(x, w, stride=1, padding=0):
    if x.ndim != 4 or w.ndim != 4 or w.shape[:2] != (x.shape[1], 1):
        raise ValueError("shape mismatch")
    n, c, height, width = x.shape
    f_h, f_w = w.shape[2:]
    h_out = (height + 2 * padding - f_h) // stride + 1
    w_out = (width + 2 * padding - f_w) // stride + 1
    if h_out < 1 or w_out < 1:
        raise ValueError("kernel does not fit")
    x_pad = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    out = np.zeros((n, c, h_out, w_out))
    for i in range(h_out):
        for j in range(w_out):
            window = x_pad[:, :, i * stride : i * stride + f_h, j * stride : j * stride + f_w]
            # (N, C, F_h, F_w) x (C, F_h, F_w) summed over the input channels too
            out[:, :, i, j] = np.einsum("nkuv,cuv->nc", window, w[:, 0])
    return out
