"""Vectorized: sliding_window_view over the padded input, then one einsum."""
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def conv2d(x, w, b=None, stride=1, padding=0):
    x = np.asarray(x, dtype=np.float64)
    w = np.asarray(w, dtype=np.float64)
    if x.ndim != 4 or w.ndim != 4 or (b is not None and np.shape(b) != (w.shape[0],)):
        raise ValueError("x and w must be 4-D, b of shape (F_N,)")
    if x.shape[1] != w.shape[1]:
        raise ValueError("channel mismatch")
    f_h, f_w = w.shape[2:]
    output_size(x.shape[2], f_h, p=padding, s=stride)  # raises if it does not fit
    output_size(x.shape[3], f_w, p=padding, s=stride)
    x = zero_pad(x, padding)
    windows = sliding_window_view(x, (f_h, f_w), axis=(2, 3))[:, :, ::stride, ::stride]
    out = np.einsum("nchwuv,kcuv->nkhw", windows, w)
    if b is not None:
        out = out + np.asarray(b)[None, :, None, None]
    return out
