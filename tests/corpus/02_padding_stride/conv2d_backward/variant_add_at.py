"""Scatter-add with np.add.at and index arrays, gather for dw with fancy indexing."""
import numpy as np


def conv2d_backward(dout, x, w, stride=1, padding=0):
    x, w, dout = (np.asarray(a, dtype=np.float64) for a in (x, w, dout))
    if x.ndim != 4 or w.ndim != 4:
        raise ValueError("x and w must be 4-D")
    n, c, h, wd = x.shape
    f_n, f_c, f_h, f_w = w.shape
    if c != f_c:
        raise ValueError("channels differ")
    h_out = output_size(h, f_h, p=padding, s=stride)
    w_out = output_size(wd, f_w, p=padding, s=stride)
    if dout.shape != (n, f_n, h_out, w_out):
        raise ValueError("dout has the wrong shape")
    # rows[i, u] = i*S + u, cols[j, v] = j*S + v in the padded input
    rows = (np.arange(h_out)[:, None] * stride + np.arange(f_h)[None, :])
    cols = (np.arange(w_out)[:, None] * stride + np.arange(f_w)[None, :])
    r = rows[:, None, :, None]  # (H', 1, F_h, 1)
    q = cols[None, :, None, :]  # (1, W', 1, F_w)
    x_pad = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    patches = x_pad[:, :, r, q]  # (N, C, H', W', F_h, F_w)
    dw = np.einsum("nkij,ncijuv->kcuv", dout, patches)
    contrib = np.einsum("nkij,kcuv->ncijuv", dout, w)
    dx_pad = np.zeros_like(x_pad)
    r_full = np.broadcast_to(r, (h_out, w_out, f_h, f_w))
    q_full = np.broadcast_to(q, (h_out, w_out, f_h, f_w))
    np.add.at(dx_pad, (slice(None), slice(None), r_full, q_full), contrib)
    db = np.einsum("nkij->k", dout)
    return dx_pad[:, :, padding:padding + h, padding:padding + wd], dw, db
