"""A VGG-style stack with GELU, no BatchNorm, average pooling and Flatten(1) after the global pool."""
import torch
from torch import nn


def make_cnn() -> nn.Module:
    return nn.Sequential(
        nn.Conv2d(3, 32, 3, padding=1), nn.GELU(), nn.AvgPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.GELU(), nn.AvgPool2d(2),
        nn.Conv2d(64, 96, 3, padding=1), nn.GELU(),
        nn.Conv2d(96, 10, 1), nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten(1),
    )
