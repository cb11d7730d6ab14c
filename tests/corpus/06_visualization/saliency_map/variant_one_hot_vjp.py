"""Backpropagates a one-hot vector from all logits (a vector-Jacobian product), in numpy at the end."""

import numpy as np
import torch


def saliency_map(model, image, target):
    if image.dim() != 3:
        raise ValueError("one image (C, H, W) please")
    was_training = model.training
    model.eval()
    x = image.detach().clone().unsqueeze(0).requires_grad_()
    logits = model(x)
    one_hot = torch.zeros_like(logits)
    one_hot[0, target] = 1.0
    (grad,) = torch.autograd.grad(logits, x, grad_outputs=one_hot)
    model.train(was_training)
    return np.abs(grad[0].numpy()).max(axis=0)
