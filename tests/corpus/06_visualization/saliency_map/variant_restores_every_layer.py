"""Remembers every layer's mode and restores each one, in a try/finally."""

import torch


def saliency_map(model, image, target):
    if len(image.shape) != 3:
        raise ValueError(f"expected one image (C, H, W), got shape {tuple(image.shape)}")
    modes = [(m, m.training) for m in model.modules()]
    model.eval()
    try:
        x = image.detach().clone()[None].requires_grad_()
        (grad,) = torch.autograd.grad(model(x)[0][target], [x])
    finally:
        for m, mode in modes:
            m.train(mode)
    return grad.squeeze(0).abs().max(dim=0).values.numpy()
