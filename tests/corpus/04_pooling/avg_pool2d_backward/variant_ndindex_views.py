"""One window per output position (np.ndindex), adding its share into a view of dx."""
import numpy as np


def avg_pool2d_backward(dout, x, size, stride=None):
    if size < 1 or (stride is not None and stride < 1):
        raise ValueError("size and stride must be at least 1")
    if stride is None:
        stride = size
    x = np.asarray(x, dtype=np.float64)
    dout = np.asarray(dout, dtype=np.float64)
    n, c, h, w = x.shape
    fits = size <= h and size <= w and (h - size) % stride == 0 and (w - size) % stride == 0
    if not fits:
        raise ValueError("the window does not fit")
    expected = (n, c, (h - size) // stride + 1, (w - size) // stride + 1)
    if dout.shape != expected:
        raise ValueError("dout has the wrong shape")
    dx = np.zeros_like(x)
    # one window per output, visited row by row; its inputs get an equal share
    for index in np.ndindex(*expected[2:]):
        i, j = index
        block = dx[:, :, i * stride:i * stride + size, j * stride:j * stride + size]
        block += (dout[:, :, i, j] / (size * size))[:, :, None, None]
    return dx
