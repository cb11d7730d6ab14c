"""Nested stages in a custom nn.Module with its own forward; the head is created last."""
import torch
import torch.nn.functional as F
from torch import nn


class Stage(nn.Module):
    def __init__(self, c_in: int, c_out: int) -> None:
        super().__init__()
        self.conv = nn.Conv2d(c_in, c_out, 3, padding=1, bias=False)
        self.bn = nn.BatchNorm2d(c_out)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.max_pool2d(F.relu(self.bn(self.conv(x))), 2)


class Net(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.stages = nn.ModuleList([Stage(3, 32), Stage(32, 64), Stage(64, 96)])
        self.head = nn.Conv2d(96, 10, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for stage in self.stages:
            x = stage(x)
        return F.adaptive_avg_pool2d(self.head(x), 1).flatten(1)


def make_cnn() -> nn.Module:
    return Net()
