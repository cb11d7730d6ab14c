"""Overwrites (=) instead of accumulating (+=) dx where windows overlap."""
import numpy as np


def conv2d_backward(dout, x, w, stride=1, padding=0):
    x = np.asarray(x, dtype=np.float64)
    w = np.asarray(w, dtype=np.float64)
    dout = np.asarray(dout, dtype=np.float64)
    if x.ndim != 4 or w.ndim != 4:
        raise ValueError("x and w must be 4-D")
    n, c, h, width = x.shape
    f_n, f_c, f_h, f_w = w.shape
    if c != f_c:
        raise ValueError("channels differ")
    h_out = output_size(h, f_h, p=padding, s=stride)
    w_out = output_size(width, f_w, p=padding, s=stride)
    if dout.shape != (n, f_n, h_out, w_out):
        raise ValueError("dout has the wrong shape")
    x_pad = zero_pad(x, padding)
    dx_pad = np.zeros_like(x_pad)
    dw = np.zeros_like(w)
    for i in range(h_out):
        for j in range(w_out):
            rows = slice(i * stride, i * stride + f_h)
            cols = slice(j * stride, j * stride + f_w)
            g = dout[:, :, i, j]
            dx_pad[:, :, rows, cols] = np.einsum("nk,kcuv->ncuv", g, w)
            dw += np.einsum("nk,ncuv->kcuv", g, x_pad[:, :, rows, cols])
    db = dout.sum(axis=(0, 2, 3))
    dx = dx_pad[:, :, padding:padding + h, padding:padding + width]
    return dx, dw, db
