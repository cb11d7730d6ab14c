"""Plain Python loops over batch, channel, output position and kernel tap."""
import numpy as np


def depthwise_conv2d(x, w, stride=1, padding=0):
    if stride < 1 or padding < 0:
        raise ValueError("stride >= 1 and padding >= 0")
    if x.ndim != 4 or w.ndim != 4:
        raise ValueError("x and w must be 4-D")
    n, c, height, width = x.shape
    if w.shape[0] != c or w.shape[1] != 1:
        raise ValueError("w must be (C, 1, F_h, F_w)")
    f_h, f_w = w.shape[2], w.shape[3]
    h_out = (height + 2 * padding - f_h) // stride + 1
    w_out = (width + 2 * padding - f_w) // stride + 1
    if h_out <= 0 or w_out <= 0:
        raise ValueError("kernel larger than the padded input")
    x_pad = np.zeros((n, c, height + 2 * padding, width + 2 * padding))
    x_pad[:, :, padding : padding + height, padding : padding + width] = x
    out = np.zeros((n, c, h_out, w_out))
    for b in range(n):
        for ch in range(c):
            for i in range(h_out):
                for j in range(w_out):
                    total = 0.0
                    for u in range(f_h):
                        for v in range(f_w):
                            total += x_pad[b, ch, i * stride + u, j * stride + v] * w[ch, 0, u, v]
                    out[b, ch, i, j] = total
    return out
