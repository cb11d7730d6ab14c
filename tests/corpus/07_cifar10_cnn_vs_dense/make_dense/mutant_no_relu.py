"""No nonlinearity between the layers: the whole net collapses to one linear map."""
import torch
from torch import nn


def make_dense(hidden: tuple[int, ...] = (512, 256)) -> nn.Module:
    layers = [nn.Flatten()]
    width = 3 * 32 * 32
    for size in hidden:
        layers.append(nn.Linear(width, size))
        width = size
    layers.append(nn.Linear(width, 10))
    return nn.Sequential(*layers)
