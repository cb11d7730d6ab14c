"""A ReLU after the first hidden layer only: the deeper hidden layers are purely linear."""
import torch
from torch import nn


def make_dense(hidden: tuple[int, ...] = (512, 256)) -> nn.Module:
    layers = [nn.Flatten()]
    width = 3 * 32 * 32
    for i, size in enumerate(hidden):
        layers.append(nn.Linear(width, size))
        if i == 0:
            layers.append(nn.ReLU())
        width = size
    layers.append(nn.Linear(width, 10))
    return nn.Sequential(*layers)
