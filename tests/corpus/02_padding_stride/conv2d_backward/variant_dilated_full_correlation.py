"""dx as a full correlation of the dilated, zero-padded dout with the flipped kernel."""
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def conv2d_backward(dout, x, w, stride=1, padding=0):
    x, w, dout = (np.asarray(a, dtype=np.float64) for a in (x, w, dout))
    if x.ndim != 4 or w.ndim != 4 or x.shape[1] != w.shape[1]:
        raise ValueError("x (N, C, H, W) and w (F_N, C, F_h, F_w) with the same C")
    n, c, h, wd = x.shape
    f_n, _, f_h, f_w = w.shape
    h_out = output_size(h, f_h, p=padding, s=stride)
    w_out = output_size(wd, f_w, p=padding, s=stride)
    if dout.shape != (n, f_n, h_out, w_out):
        raise ValueError("dout has the wrong shape")
    # dilate: S - 1 zeros between the dout values, so that it lives on the padded grid
    dilated = np.zeros((n, f_n, (h_out - 1) * stride + 1, (w_out - 1) * stride + 1))
    dilated[:, :, ::stride, ::stride] = dout
    # dw: correlate the padded input with the dilated dout
    x_pad = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    win_x = sliding_window_view(x_pad, dilated.shape[2:], axis=(2, 3))  # (N, C, F_h', F_w', ., .)
    dw = np.einsum("ncuvij,nkij->kcuv", win_x[:, :, :f_h, :f_w], dilated)
    # dx_pad: full correlation (pad by F - 1) with the flipped kernel
    full = np.pad(dilated, ((0, 0), (0, 0), (f_h - 1, f_h - 1), (f_w - 1, f_w - 1)))
    win_d = sliding_window_view(full, (f_h, f_w), axis=(2, 3))  # (N, F_N, ., ., F_h, F_w)
    dx_part = np.einsum("nkijuv,kcuv->ncij", win_d, w[:, :, ::-1, ::-1])
    dx_pad = np.zeros_like(x_pad)
    dx_pad[:, :, : dx_part.shape[2], : dx_part.shape[3]] = dx_part  # rows the windows never reach stay 0
    return dx_pad[:, :, padding:padding + h, padding:padding + wd], dw, dout.sum(axis=(0, 2, 3))
