"""Unfolds the windows with torch._C._nn.im2col (torch's internal unfold) and multiplies."""
import numpy as np
import torch


def conv2d(x, w, b=None, stride=1, padding=0):
    x = np.asarray(x, dtype=np.float64)
    w = np.asarray(w, dtype=np.float64)
    n, c, h, width = x.shape
    f_n, f_c, f_h, f_w = w.shape
    if c != f_c:
        raise ValueError(f"the input has {c} channels but the filters have {f_c}")
    h_out = output_size(h, f_h, p=padding, s=stride)
    w_out = output_size(width, f_w, p=padding, s=stride)
    columns = torch._C._nn.im2col(
        torch.from_numpy(x), [f_h, f_w], [1, 1], [padding, padding], [stride, stride]
    ).numpy()  # (N, C * F_h * F_w, H' * W')
    out = np.einsum("fk,nkl->nfl", w.reshape(f_n, -1), columns).reshape(n, f_n, h_out, w_out)
    if b is not None:
        out += np.asarray(b, dtype=np.float64).reshape(1, f_n, 1, 1)
    return out
