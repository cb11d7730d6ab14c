"""Broadcasts any bias it is given: a (F_N, 1) or (1,) bias passes silently."""
import numpy as np


def conv2d(x, w, b=None, stride=1, padding=0):
    x = np.asarray(x, dtype=np.float64)
    w = np.asarray(w, dtype=np.float64)
    n, c, h, width = x.shape
    f_n, f_c, f_h, f_w = w.shape
    if c != f_c:
        raise ValueError(f"the input has {c} channels but the filters have {f_c}")
    h_out = output_size(h, f_h, p=padding, s=stride)
    w_out = output_size(width, f_w, p=padding, s=stride)
    x = zero_pad(x, padding)
    out = np.zeros((n, f_n, h_out, w_out))
    for image in range(n):
        for k in range(f_n):
            for i in range(h_out):
                for j in range(w_out):
                    top, left = i * stride, j * stride
                    out[image, k, i, j] = np.sum(x[image, :, top:top + f_h, left:left + f_w] * w[k])
    if b is not None:
        out = out + np.asarray(b, dtype=np.float64).reshape(1, -1, 1, 1)
    return out
