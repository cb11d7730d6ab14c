"""All-one weights in float32 with state_dict copying; backpropagates from channel 0 only."""
import copy

import torch
from torch import nn


def empirical_receptive_field(model, input_size):
    h, w = (input_size, input_size) if isinstance(input_size, int) else tuple(input_size)
    probe = copy.deepcopy(model).eval()
    state = probe.state_dict()
    convs = {name: m for name, m in probe.named_modules() if isinstance(m, nn.Conv2d)}
    if not convs:
        raise ValueError("no nn.Conv2d in the model")
    for name, conv in convs.items():
        prefix = f"{name}." if name else ""
        state[prefix + "weight"] = torch.ones_like(conv.weight)
        if conv.bias is not None:
            state[prefix + "bias"] = torch.zeros_like(conv.bias)
    probe.load_state_dict(state)
    c = next(iter(convs.values())).in_channels
    x = torch.ones(1, c, h, w, requires_grad=True)
    y = probe(x)
    (grad,) = torch.autograd.grad(y[0, 0, y.shape[2] // 2, y.shape[3] // 2], x)
    support = grad[0].sum(dim=0) > 0
    ys, xs = torch.where(support)
    return int(ys.max() - ys.min()) + 1, int(xs.max() - xs.min()) + 1
