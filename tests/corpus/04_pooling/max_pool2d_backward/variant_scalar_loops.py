"""Scalar loops: find the first maximum of each window by hand."""
import numpy as np


def max_pool2d_backward(dout, x, size, stride=None):
    x = np.asarray(x, dtype=np.float64)
    dout = np.asarray(dout, dtype=np.float64)
    stride = stride or size
    dx = np.zeros(x.shape)
    n, c, h_out, w_out = dout.shape
    for a in range(n):
        for b in range(c):
            for i in range(h_out):
                for j in range(w_out):
                    best, where = -np.inf, None
                    for u in range(size):
                        for v in range(size):
                            value = x[a, b, i * stride + u, j * stride + v]
                            if value > best:
                                best, where = value, (i * stride + u, j * stride + v)
                    dx[a, b, where[0], where[1]] += dout[a, b, i, j]
    return dx
