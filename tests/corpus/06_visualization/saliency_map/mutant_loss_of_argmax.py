"""Gradient of the cross-entropy loss of the predicted class, ignoring `target`."""

import torch
import torch.nn.functional as F


def saliency_map(model, image, target):
    if image.dim() != 3:
        raise ValueError("image must be (C, H, W)")
    was_training = model.training
    model.eval()
    x = image.detach().unsqueeze(0).clone().requires_grad_(True)
    logits = model(x)
    loss = F.cross_entropy(logits, logits.argmax(dim=1))
    (grad,) = torch.autograd.grad(loss, x)
    model.train(was_training)
    return grad[0].abs().amax(dim=0).numpy()
