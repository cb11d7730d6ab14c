"""Puts a ReLU after the output layer too: logits can never be negative."""
import torch
from torch import nn


def make_dense(hidden: tuple[int, ...] = (512, 256)) -> nn.Module:
    layers = [nn.Flatten()]
    width = 3 * 32 * 32
    for size in (*hidden, 10):
        layers += [nn.Linear(width, size), nn.ReLU()]
        width = size
    return nn.Sequential(*layers)
