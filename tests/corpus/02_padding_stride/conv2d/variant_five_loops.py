"""Five nested loops, one channel at a time, no helper functions."""
import numpy as np


def conv2d(x, w, b=None, stride=1, padding=0):
    x = np.asarray(x, dtype=np.float64)
    w = np.asarray(w, dtype=np.float64)
    if x.ndim != 4 or w.ndim != 4 or (b is not None and np.shape(b) != (w.shape[0],)):
        raise ValueError("x and w must be 4-D, b of shape (F_N,)")
    n, c, h, width = x.shape
    f_n, f_c, f_h, f_w = w.shape
    if stride < 1 or padding < 0:
        raise ValueError("stride >= 1 and padding >= 0")
    if c != f_c:
        raise ValueError(f"channels: input {c}, filters {f_c}")
    if (h - f_h + 2 * padding) % stride or (width - f_w + 2 * padding) % stride:
        raise ValueError(f"H={h}, W={width}, F=({f_h}, {f_w}), P={padding}, S={stride} does not fit")
    h_out = (h - f_h + 2 * padding) // stride + 1
    w_out = (width - f_w + 2 * padding) // stride + 1
    padded = np.zeros((n, c, h + 2 * padding, width + 2 * padding))
    padded[:, :, padding:padding + h, padding:padding + width] = x
    out = np.zeros((n, f_n, h_out, w_out))
    for image in range(n):
        for k in range(f_n):
            for i in range(h_out):
                for j in range(w_out):
                    total = 0.0 if b is None else float(b[k])
                    for ch in range(c):
                        patch = padded[image, ch, i * stride:i * stride + f_h, j * stride:j * stride + f_w]
                        total += float(np.sum(patch * w[k, ch]))
                    out[image, k, i, j] = total
    return out
