"""Puts the model in eval mode and leaves it there: the caller's training mode is lost."""

import torch


def saliency_map(model, image, target):
    if image.dim() != 3:
        raise ValueError("image must be (C, H, W)")
    model.eval()
    x = image.detach().unsqueeze(0).clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(model(x)[0, target], x)
    return grad[0].abs().amax(dim=0).numpy()
