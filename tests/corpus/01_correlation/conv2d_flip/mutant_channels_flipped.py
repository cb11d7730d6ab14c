"""Flips the last two axes of any input, so a (C, F_h, F_w) kernel stack is accepted."""
import numpy as np


def conv2d_flip(x, w):
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)[..., ::-1, ::-1]
    (h, width), (f_h, f_w) = x.shape[-2:], w.shape[-2:]
    if f_h > h or f_w > width:
        raise ValueError("kernel larger than input")
    out = np.zeros((h - f_h + 1, width - f_w + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(x[..., i:i + f_h, j:j + f_w] * w)
    return out
