"""Counts frozen parameters (requires_grad=False) too."""
import torch
from torch import nn


def count_params(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())
