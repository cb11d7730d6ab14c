"""Forgets the biases: counts only tensors with two or more dimensions."""
import torch
from torch import nn


def count_params(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters() if p.requires_grad and p.dim() > 1)
