"""No shape checks: a (C, C, F_h, F_w) weight is silently accepted and only w[:, 0] is used."""
import numpy as np


def depthwise_conv2d(x, w, stride=1, padding=0):
    n, c, height, width = x.shape
    f_h, f_w = w.shape[2:]
    h_out = (height + 2 * padding - f_h) // stride + 1
    w_out = (width + 2 * padding - f_w) // stride + 1
    x_pad = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    out = np.zeros((n, c, max(h_out, 0), max(w_out, 0)))
    for u in range(f_h):
        for v in range(f_w):
            taps = x_pad[:, :, u : u + stride * (h_out - 1) + 1 : stride, v : v + stride * (w_out - 1) + 1 : stride]
            out += taps[:, :, : out.shape[2], : out.shape[3]] * w[:, 0, u, v][None, :, None, None]
    return out
