"""Sums numpy sizes of the trainable tensors and converts to int."""
import numpy as np
import torch
from torch import nn


def count_params(model: nn.Module) -> int:
    trainable = [p for p in model.parameters() if p.requires_grad]
    return int(np.sum([p.detach().numpy().size for p in trainable], dtype=np.int64))
