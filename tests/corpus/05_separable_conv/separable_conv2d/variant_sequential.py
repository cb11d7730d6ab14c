"""Keeps the steps in an nn.Sequential and exposes them as attributes (shared parameters)."""
from torch import nn


class SeparableConv2d(nn.Module):
    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, bias=False):
        super().__init__()
        self.layers = nn.Sequential(
            nn.Conv2d(in_channels, in_channels, kernel_size, stride, padding, groups=in_channels, bias=False),
            nn.Conv2d(in_channels, out_channels, (1, 1), bias=bias),
        )
        self.depthwise = self.layers[0]
        self.pointwise = self.layers[1]

    def forward(self, x):
        return self.layers(x)
