"""Sets requires_grad on the caller's image instead of on a copy."""

import torch


def saliency_map(model, image, target):
    if image.dim() != 3:
        raise ValueError("image must be (C, H, W)")
    was_training = model.training
    model.eval()
    image.requires_grad_(True)
    (grad,) = torch.autograd.grad(model(image.unsqueeze(0))[0, target], image)
    model.train(was_training)
    return grad.abs().amax(dim=0).numpy()
