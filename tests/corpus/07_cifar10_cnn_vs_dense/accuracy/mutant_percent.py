"""Returns a percentage (0..100) instead of a fraction."""
import torch
from torch import nn


def accuracy(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
    model.eval()
    with torch.no_grad():
        predicted = model(x).argmax(dim=1)
    return 100.0 * (predicted == y).float().mean().item()
