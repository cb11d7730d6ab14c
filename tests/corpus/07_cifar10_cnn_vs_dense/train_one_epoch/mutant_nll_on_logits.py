"""Uses F.nll_loss on raw logits (no log-softmax): the wrong loss and the wrong gradients."""
import torch
import torch.nn.functional as F
from torch import nn


def train_one_epoch(model: nn.Module, loader, optimizer: torch.optim.Optimizer) -> float:
    model.train()
    total, count = 0.0, 0
    for xb, yb in loader:
        loss = F.nll_loss(model(xb), yb)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total += loss.item() * len(yb)
        count += len(yb)
    return total / count
