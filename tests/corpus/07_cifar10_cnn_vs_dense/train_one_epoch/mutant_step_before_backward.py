"""Steps before back-propagating: every update uses the previous batch's gradient."""
import torch
import torch.nn.functional as F
from torch import nn


def train_one_epoch(model: nn.Module, loader, optimizer: torch.optim.Optimizer) -> float:
    model.train()
    total, count = 0.0, 0
    for xb, yb in loader:
        loss = F.cross_entropy(model(xb), yb)
        optimizer.step()
        optimizer.zero_grad()
        loss.backward()
        total += loss.item() * len(yb)
        count += len(yb)
    return total / count
