"""Compares with numpy and restores the model's previous mode afterwards."""
import numpy as np
import torch
from torch import nn


def accuracy(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
    was_training = model.training
    model.eval()
    with torch.no_grad():
        predicted = model(x).numpy().argmax(axis=1)
    model.train(was_training)
    return float(np.mean(predicted == np.asarray(y)))
