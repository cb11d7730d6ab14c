"""Calls F.conv2d in forward with the stored weights and the layer's own settings."""
import torch.nn.functional as F
from torch import nn


class SeparableConv2d(nn.Module):
    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, bias=False):
        super().__init__()
        self.stride, self.padding, self.in_channels = stride, padding, in_channels
        self.depthwise = nn.Conv2d(in_channels, in_channels, kernel_size, stride=stride, padding=padding,
                                   groups=in_channels, bias=False)
        self.pointwise = nn.Conv2d(in_channels, out_channels, kernel_size=1, bias=bias)

    def forward(self, x):
        mid = F.conv2d(x, self.depthwise.weight, None, self.stride, self.padding, 1, self.in_channels)
        return F.conv2d(mid, self.pointwise.weight, self.pointwise.bias)
