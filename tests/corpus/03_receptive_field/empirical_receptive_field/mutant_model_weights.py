"""Measures with the model's own (random) weights and a random input: dead ReLUs hide pixels."""
import copy

import torch
from torch import nn


def empirical_receptive_field(model, input_size):
    h, w = (input_size, input_size) if isinstance(input_size, int) else input_size
    probe = copy.deepcopy(model).double().eval()
    convs = [m for m in probe.modules() if isinstance(m, nn.Conv2d)]
    if not convs:
        raise ValueError("no Conv2d")
    generator = torch.Generator().manual_seed(0)
    x = torch.randn(1, convs[0].in_channels, h, w, generator=generator, dtype=torch.float64)
    x.requires_grad_(True)
    y = probe(x)
    (grad,) = torch.autograd.grad(y[0, :, y.shape[2] // 2, y.shape[3] // 2].sum(), x)
    seen = grad[0].abs().sum(dim=0) > 0
    rows = torch.nonzero(seen.any(dim=1)).flatten()
    cols = torch.nonzero(seen.any(dim=0)).flatten()
    if len(rows) == 0:
        return 0, 0
    return int(rows[-1] - rows[0] + 1), int(cols[-1] - cols[0] + 1)
