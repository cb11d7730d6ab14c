"""Takes the argmax over the batch (dim=0) instead of over the classes."""
import torch
from torch import nn


def accuracy(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
    model.eval()
    with torch.no_grad():
        scores = model(x)
    predicted = scores.argmax(dim=0)
    return (predicted[: len(y)] == y[: len(predicted)]).float().mean().item()
