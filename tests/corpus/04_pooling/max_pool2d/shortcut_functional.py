"""Calls F.max_pool2d on the array."""
import numpy as np
import torch
import torch.nn.functional as F


def max_pool2d(x, size, stride=None):
    x = np.asarray(x, dtype=np.float64)
    stride = size if stride is None else stride
    h, w = x.shape[2:]
    if size > h or size > w or (h - size) % stride or (w - size) % stride:
        raise ValueError(f"a {size}x{size} window with stride {stride} does not fit a {h}x{w} input")
    return F.max_pool2d(torch.from_numpy(x), size, stride).numpy()
