"""A ReLU before every dense layer: the image's negative (normalised) pixels are clipped."""
import torch
from torch import nn


def make_dense(hidden: tuple[int, ...] = (512, 256)) -> nn.Module:
    layers = [nn.Flatten()]
    width = 3 * 32 * 32
    for size in (*hidden, 10):
        layers += [nn.ReLU(), nn.Linear(width, size)]
        width = size
    return nn.Sequential(*layers)
