"""Dense layers without biases: the parameter count misses one bias per unit."""
import torch
from torch import nn


def make_dense(hidden: tuple[int, ...] = (512, 256)) -> nn.Module:
    layers = [nn.Flatten()]
    width = 3 * 32 * 32
    for size in hidden:
        layers += [nn.Linear(width, size, bias=False), nn.ReLU()]
        width = size
    layers.append(nn.Linear(width, 10, bias=False))
    return nn.Sequential(*layers)
