"""Uses named_parameters and math.prod of the shapes."""
import math

import torch
from torch import nn


def count_params(model: nn.Module) -> int:
    total = 0
    for _name, p in model.named_parameters():
        if p.requires_grad:
            total += math.prod(p.shape)
    return total
