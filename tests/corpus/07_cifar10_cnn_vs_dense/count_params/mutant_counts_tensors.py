"""Counts parameter tensors instead of scalars."""
import torch
from torch import nn


def count_params(model: nn.Module) -> int:
    return sum(1 for p in model.parameters() if p.requires_grad)
