"""Forgets optimizer.zero_grad(): gradients of earlier batches accumulate."""
import torch
import torch.nn.functional as F
from torch import nn


def train_one_epoch(model: nn.Module, loader, optimizer: torch.optim.Optimizer) -> float:
    model.train()
    total, count = 0.0, 0
    for xb, yb in loader:
        loss = F.cross_entropy(model(xb), yb)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(yb)
        count += len(yb)
    return total / count
