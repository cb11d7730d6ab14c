"""im2col with as_strided, then one matrix-vector product per channel."""
import numpy as np
from numpy.lib.stride_tricks import as_strided


def depthwise_conv2d(x, w, stride=1, padding=0):
    if stride < 1 or padding < 0:
        raise ValueError("stride >= 1 and padding >= 0")
    if x.ndim != 4 or w.ndim != 4:
        raise ValueError("need 4-D x and w")
    n, c, height, width = x.shape
    if w.shape[:2] != (c, 1):
        raise ValueError("w must be (C, 1, F_h, F_w)")
    f_h, f_w = w.shape[2:]
    h_out = (height + 2 * padding - f_h) // stride + 1
    w_out = (width + 2 * padding - f_w) // stride + 1
    if min(h_out, w_out) < 1:
        raise ValueError("kernel does not fit")
    x_pad = np.ascontiguousarray(np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding))))
    s_n, s_c, s_h, s_w = x_pad.strides
    cols = as_strided(
        x_pad,
        shape=(n, c, h_out, w_out, f_h, f_w),
        strides=(s_n, s_c, s_h * stride, s_w * stride, s_h, s_w),
        writeable=False,
    )
    out = np.empty((n, c, h_out, w_out))
    for ch in range(c):
        out[:, ch] = cols[:, ch].reshape(n, h_out, w_out, f_h * f_w) @ w[ch, 0].reshape(-1)
    return out
