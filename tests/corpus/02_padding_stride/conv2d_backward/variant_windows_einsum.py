"""sliding_window_view + einsum for dw; dx by a loop over the kernel taps (strided slices)."""
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def conv2d_backward(dout, x, w, stride=1, padding=0):
    x, w, dout = (np.asarray(a, dtype=np.float64) for a in (x, w, dout))
    if x.ndim != 4 or w.ndim != 4 or x.shape[1] != w.shape[1]:
        raise ValueError("x (N, C, H, W) and w (F_N, C, F_h, F_w) with the same C")
    n, _, h, wd = x.shape
    f_n, _, f_h, f_w = w.shape
    h_out = output_size(h, f_h, p=padding, s=stride)
    w_out = output_size(wd, f_w, p=padding, s=stride)
    if dout.shape != (n, f_n, h_out, w_out):
        raise ValueError("dout has the wrong shape")
    x_pad = zero_pad(x, padding)
    windows = sliding_window_view(x_pad, (f_h, f_w), axis=(2, 3))[:, :, ::stride, ::stride]
    dw = np.einsum("ncijuv,nkij->kcuv", windows, dout, optimize=True)
    dx_pad = np.zeros_like(x_pad)
    for u in range(f_h):
        for v in range(f_w):
            rows = slice(u, u + stride * (h_out - 1) + 1, stride)
            cols = slice(v, v + stride * (w_out - 1) + 1, stride)
            dx_pad[:, :, rows, cols] += np.einsum("nkij,kc->ncij", dout, w[:, :, u, v])
    db = dout.sum(axis=(0, 2, 3))
    return dx_pad[:, :, padding:padding + h, padding:padding + wd], dw, db
