"""The forward pass runs with autograd on; only the argmax is under no_grad."""
import torch
from torch import nn


def accuracy(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
    was_training = model.training
    model.eval()
    scores = model(x)
    with torch.no_grad():
        predicted = scores.argmax(dim=1)
    model.train(was_training)
    return (predicted == y).float().mean().item()
