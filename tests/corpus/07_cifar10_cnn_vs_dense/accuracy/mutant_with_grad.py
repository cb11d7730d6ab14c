"""Builds the autograd graph during evaluation (no torch.no_grad())."""
import torch
from torch import nn


def accuracy(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
    model.eval()
    predicted = model(x).argmax(dim=1)
    return (predicted == y).float().mean().item()
