"""Sum over the F_h * F_w filter taps of a shifted, strided input times the tap's weights."""
import numpy as np


def conv2d(x, w, b=None, stride=1, padding=0):
    x = np.asarray(x, dtype=np.float64)
    w = np.asarray(w, dtype=np.float64)
    if x.ndim != 4 or w.ndim != 4 or (b is not None and np.shape(b) != (w.shape[0],)):
        raise ValueError("x and w must be 4-D, b of shape (F_N,)")
    f_n, f_c, f_h, f_w = w.shape
    if x.shape[1] != f_c:
        raise ValueError("the filters must be as deep as the input")
    h_out = output_size(x.shape[2], f_h, p=padding, s=stride)
    w_out = output_size(x.shape[3], f_w, p=padding, s=stride)
    x = zero_pad(x, padding)
    out = np.zeros((x.shape[0], f_n, h_out, w_out))
    for u in range(f_h):
        for v in range(f_w):
            shifted = x[:, :, u:u + stride * h_out:stride, v:v + stride * w_out:stride]
            out += np.tensordot(shifted, w[:, :, u, v], axes=([1], [1])).transpose(0, 3, 1, 2)
    if b is not None:
        out += np.asarray(b).reshape(1, -1, 1, 1)
    return out
