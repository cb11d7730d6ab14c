"""Named layers in an OrderedDict; nn.Flatten(start_dim=1) spelled out."""
from collections import OrderedDict

import torch
from torch import nn


def make_dense(hidden: tuple[int, ...] = (512, 256)) -> nn.Module:
    layers = OrderedDict(flatten=nn.Flatten(start_dim=1))
    sizes = [3 * 32 * 32, *hidden]
    for i in range(len(hidden)):
        layers[f"fc{i}"] = nn.Linear(sizes[i], sizes[i + 1])
        layers[f"relu{i}"] = nn.ReLU(inplace=True)
    layers["out"] = nn.Linear(sizes[-1], 10)
    return nn.Sequential(layers)
