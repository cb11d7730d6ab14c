"""log_softmax + nll_loss, zero_grad after the step, detached per-sample losses collected."""
import torch
import torch.nn.functional as F
from torch import nn


def train_one_epoch(model: nn.Module, loader, optimizer: torch.optim.Optimizer) -> float:
    model.train(True)
    optimizer.zero_grad()
    per_sample = []
    for xb, yb in loader:
        losses = F.nll_loss(F.log_softmax(model(xb), dim=1), yb, reduction="none")
        losses.mean().backward()
        optimizer.step()
        optimizer.zero_grad()
        per_sample.append(losses.detach())
    return torch.cat(per_sample).mean().item()
