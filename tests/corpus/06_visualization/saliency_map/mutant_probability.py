"""Gradient of the softmax probability of `target` instead of its pre-softmax score."""

import torch


def saliency_map(model, image, target):
    if image.dim() != 3:
        raise ValueError("image must be (C, H, W)")
    was_training = model.training
    model.eval()
    x = image.detach().unsqueeze(0).clone().requires_grad_(True)
    prob = torch.softmax(model(x), dim=1)[0, target]
    (grad,) = torch.autograd.grad(prob, x)
    model.train(was_training)
    return grad[0].abs().amax(dim=0).numpy()
