"""Flipped kernel: computes a true convolution instead of a cross-correlation."""
import numpy as np


def depthwise_conv2d(x, w, stride=1, padding=0):
    if x.ndim != 4 or w.ndim != 4 or w.shape[:2] != (x.shape[1], 1):
        raise ValueError("shape mismatch")
    w = w[:, :, ::-1, ::-1]
    n, c, height, width = x.shape
    f_h, f_w = w.shape[2:]
    h_out = (height + 2 * padding - f_h) // stride + 1
    w_out = (width + 2 * padding - f_w) // stride + 1
    if h_out < 1 or w_out < 1:
        raise ValueError("kernel does not fit")
    x_pad = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    out = np.zeros((n, c, h_out, w_out))
    for u in range(f_h):
        for v in range(f_w):
            taps = x_pad[:, :, u : u + stride * (h_out - 1) + 1 : stride, v : v + stride * (w_out - 1) + 1 : stride]
            out += taps * w[:, 0, u, v][None, :, None, None]
    return out
