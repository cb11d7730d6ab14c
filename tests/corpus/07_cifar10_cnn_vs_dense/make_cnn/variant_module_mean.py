"""A custom module: residual block, 3x3 class-map convolution and x.mean(dim=(2, 3))."""
import torch
import torch.nn.functional as F
from torch import nn


class SmallResNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 24, 3, padding=1, bias=False), nn.BatchNorm2d(24), nn.ReLU())
        self.res = nn.Sequential(nn.Conv2d(24, 24, 3, padding=1, bias=False), nn.BatchNorm2d(24), nn.ReLU(),
                                 nn.Conv2d(24, 24, 3, padding=1, bias=False), nn.BatchNorm2d(24))
        self.down = nn.Sequential(nn.Conv2d(24, 48, 3, stride=2, padding=1, bias=False), nn.BatchNorm2d(48),
                                  nn.ReLU(), nn.MaxPool2d(2))
        self.classes = nn.Conv2d(48, 10, 3, padding=1)

    def forward(self, x):
        x = self.stem(x)
        x = F.relu(x + self.res(x))
        return self.classes(self.down(x)).mean(dim=(2, 3))


def make_cnn() -> nn.Module:
    return SmallResNet()
