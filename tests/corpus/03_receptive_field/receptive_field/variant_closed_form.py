"""Closed form with numpy: R^k = 1 + cumsum((F_eff - 1) * strides below), as plain ints."""
import numpy as np


def receptive_field(layers):
    if any(len(layer) not in (2, 3) for layer in layers):
        raise ValueError("a layer is (F, S) or (F, S, D)")
    table = np.array([(*layer, 1)[:3] for layer in layers], dtype=np.int64).reshape(-1, 3)
    if (table < 1).any():
        raise ValueError("kernel size, stride and dilation must be at least 1")
    f, s, d = table.T
    steps = np.concatenate([[1], np.cumprod(s)[:-1]])
    growth = (d * (f - 1)) * steps
    return [int(r) for r in 1 + np.cumsum(growth)]
