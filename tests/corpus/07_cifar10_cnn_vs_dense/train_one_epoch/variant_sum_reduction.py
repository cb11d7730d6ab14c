"""Sums the per-sample losses with nn.CrossEntropyLoss(reduction="sum") and divides at the end."""
import torch
from torch import nn


def train_one_epoch(model: nn.Module, loader, optimizer: torch.optim.Optimizer) -> float:
    criterion = nn.CrossEntropyLoss(reduction="sum")
    model.train()
    total, count = 0.0, 0
    for xb, yb in loader:
        optimizer.zero_grad(set_to_none=False)
        summed = criterion(model(xb), yb)
        (summed / len(yb)).backward()
        optimizer.step()
        total += summed.item()
        count += yb.numel()
    return float(total / count)
