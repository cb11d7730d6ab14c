"""Plain scalar loops over every image, filter, position, channel and tap."""
import numpy as np


def conv2d_backward(dout, x, w, stride=1, padding=0):
    x = np.array(x, dtype=float)
    w = np.array(w, dtype=float)
    dout = np.array(dout, dtype=float)
    if x.ndim != 4 or w.ndim != 4 or x.shape[1] != w.shape[1]:
        raise ValueError("x and w must be 4-D with the same channels")
    if stride < 1 or padding < 0:
        raise ValueError("stride >= 1 and padding >= 0")
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    if (H + 2 * padding - HH) % stride or (W + 2 * padding - WW) % stride:
        raise ValueError("the filter does not fit")
    if H + 2 * padding < HH or W + 2 * padding < WW:
        raise ValueError("the filter is larger than the input")
    Ho = (H + 2 * padding - HH) // stride + 1
    Wo = (W + 2 * padding - WW) // stride + 1
    if dout.shape != (N, F, Ho, Wo):
        raise ValueError("dout has the wrong shape")
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    dxp = np.zeros_like(xp)
    dw = np.zeros_like(w)
    db = np.zeros(F)
    for n in range(N):
        for f in range(F):
            for i in range(Ho):
                for j in range(Wo):
                    g = dout[n, f, i, j]
                    db[f] += g
                    for c in range(C):
                        for u in range(HH):
                            for v in range(WW):
                                dxp[n, c, i * stride + u, j * stride + v] += g * w[f, c, u, v]
                                dw[f, c, u, v] += g * xp[n, c, i * stride + u, j * stride + v]
    return dxp[:, :, padding:padding + H, padding:padding + W], dw, db
