"""Pointwise before depthwise: mixes channels first, then filters each of the F_N channels."""
from torch import nn


class SeparableConv2d(nn.Module):
    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, bias=False):
        super().__init__()
        self.pointwise = nn.Conv2d(in_channels, out_channels, 1, bias=False)
        self.depthwise = nn.Conv2d(out_channels, out_channels, kernel_size, stride=stride, padding=padding,
                                   groups=out_channels, bias=bias)

    def forward(self, x):
        return self.depthwise(self.pointwise(x))
