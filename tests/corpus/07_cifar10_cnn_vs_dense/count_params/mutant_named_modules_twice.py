"""Walks every module's own parameters without removing duplicates: a shared layer counts twice."""
import torch
from torch import nn


def count_params(model: nn.Module) -> int:
    total = 0
    for _, module in model.named_modules(remove_duplicate=False):
        total += sum(p.numel() for p in module.parameters(recurse=False) if p.requires_grad)
    return total
