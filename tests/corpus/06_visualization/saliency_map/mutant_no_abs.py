"""Takes the maximum of the signed gradient over the channels, without the absolute value."""

import torch


def saliency_map(model, image, target):
    if image.dim() != 3:
        raise ValueError("image must be (C, H, W)")
    was_training = model.training
    model.eval()
    x = image.detach().unsqueeze(0).clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(model(x)[0, target], x)
    model.train(was_training)
    return grad[0].amax(dim=0).numpy()
