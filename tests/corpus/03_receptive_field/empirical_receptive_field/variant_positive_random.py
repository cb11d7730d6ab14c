"""Positive random weights (|w| + 0.1), zero biases and a positive random input; .backward()."""
import copy

import numpy as np
import torch
from torch import nn


def empirical_receptive_field(model, input_size):
    if isinstance(input_size, int):
        input_size = (input_size, input_size)
    probe = copy.deepcopy(model)
    probe.eval()
    first = next((m for m in probe.modules() if isinstance(m, nn.Conv2d)), None)
    if first is None:
        raise ValueError("empirical_receptive_field needs a model with an nn.Conv2d")
    with torch.no_grad():
        for m in probe.modules():
            if isinstance(m, nn.Conv2d):
                m.weight.copy_(m.weight.abs() + 0.1)
                if m.bias is not None:
                    m.bias.zero_()
    x = (torch.rand(1, first.in_channels, *input_size) + 0.5).requires_grad_(True)
    y = probe(x)
    y[0, :, y.shape[2] // 2, y.shape[3] // 2].sum().backward()
    mask = (x.grad[0] != 0).any(dim=0).numpy()
    rows = np.flatnonzero(mask.any(axis=1))
    cols = np.flatnonzero(mask.any(axis=0))
    return (int(rows.max() - rows.min() + 1), int(cols.max() - cols.min() + 1))
