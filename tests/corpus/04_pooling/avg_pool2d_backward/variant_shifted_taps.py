"""Loop over the size*size taps: each adds dout / size**2 to a strided slice of dx."""
import numpy as np


def avg_pool2d_backward(dout, x, size, stride=None):
    if size < 1 or (stride is not None and stride < 1):
        raise ValueError("size and stride must be at least 1")
    stride = stride or size
    x, dout = np.asarray(x, dtype=np.float64), np.asarray(dout, dtype=np.float64)
    h, w = x.shape[2:]
    if size > min(h, w) or (h - size) % stride or (w - size) % stride:
        raise ValueError("the window does not fit")
    h_out, w_out = (h - size) // stride + 1, (w - size) // stride + 1
    if dout.shape != x.shape[:2] + (h_out, w_out):
        raise ValueError("dout has the wrong shape")
    dx = np.zeros(x.shape)
    for u in range(size):
        for v in range(size):
            dx[:, :, u:u + stride * (h_out - 1) + 1:stride, v:v + stride * (w_out - 1) + 1:stride] += dout
    return dx / size**2
