"""Plain scalar loops over images, channels, windows and the inputs of each window."""
import numpy as np


def avg_pool2d_backward(dout, x, size, stride=None):
    if size < 1 or (stride is not None and stride < 1):
        raise ValueError("size and stride must be at least 1")
    if stride is None:
        stride = size
    x = np.array(x, dtype=float)
    dout = np.array(dout, dtype=float)
    N, C, H, W = x.shape
    if size > H or size > W:
        raise ValueError("window larger than the input")
    if (H - size) % stride != 0 or (W - size) % stride != 0:
        raise ValueError("window does not fit")
    Ho, Wo = (H - size) // stride + 1, (W - size) // stride + 1
    if dout.shape != (N, C, Ho, Wo):
        raise ValueError("bad dout shape")
    dx = np.zeros((N, C, H, W))
    for n in range(N):
        for c in range(C):
            for i in range(Ho):
                for j in range(Wo):
                    for u in range(size):
                        for v in range(size):
                            dx[n, c, i * stride + u, j * stride + v] += dout[n, c, i, j] / (size * size)
    return dx
