"""Ends with a softmax: returns probabilities instead of logits."""
import torch
from torch import nn


def make_dense(hidden: tuple[int, ...] = (512, 256)) -> nn.Module:
    layers = [nn.Flatten()]
    width = 3 * 32 * 32
    for size in hidden:
        layers += [nn.Linear(width, size), nn.ReLU()]
        width = size
    layers += [nn.Linear(width, 10), nn.Softmax(dim=1)]
    return nn.Sequential(*layers)
