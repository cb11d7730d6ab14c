"""Quietly takes the first image of a (1, C, H, W) batch instead of raising a ValueError."""

import torch


def occlusion_map(model, image, target, patch=8, stride=4, fill=0.0):
    if image.dim() == 4:
        image = image[0]
    if patch < 1 or stride < 1:
        raise ValueError("patch and stride must be >= 1")
    H, W = image.shape[-2:]
    if patch > H or patch > W:
        raise ValueError("patch does not fit")
    rows, cols = (H - patch) // stride + 1, (W - patch) // stride + 1
    occluded = image.detach().expand(rows * cols, *image.shape[-3:]).clone()
    for k in range(rows * cols):
        i, j = divmod(k, cols)
        occluded[k, :, i * stride : i * stride + patch, j * stride : j * stride + patch] = fill
    was_training = model.training
    model.eval()
    with torch.no_grad():
        probs = torch.softmax(model(occluded), dim=1)[:, target]
    model.train(was_training)
    return probs.reshape(rows, cols).numpy()
