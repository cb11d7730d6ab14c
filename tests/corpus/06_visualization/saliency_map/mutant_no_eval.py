"""Keeps the model in training mode: dropout masks the gradient at random."""

import torch


def saliency_map(model, image, target):
    if image.dim() != 3:
        raise ValueError("image must be (C, H, W)")
    was_training = model.training
    x = image.detach().unsqueeze(0).clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(model(x)[0, target], x)
    model.train(was_training)
    return grad[0].abs().amax(dim=0).numpy()
