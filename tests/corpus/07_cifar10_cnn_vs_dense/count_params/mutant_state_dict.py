"""Counts the state dict, which includes BatchNorm's running statistics (buffers)."""
import torch
from torch import nn


def count_params(model: nn.Module) -> int:
    return sum(v.numel() for k, v in model.state_dict().items() if not k.endswith("num_batches_tracked"))
