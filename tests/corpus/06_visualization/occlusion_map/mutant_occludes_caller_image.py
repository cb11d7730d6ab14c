"""Writes the patches into the caller's image itself, so the occlusions pile up."""

import numpy as np
import torch


def occlusion_map(model, image, target, patch=8, stride=4, fill=0.0):
    if patch < 1 or stride < 1:
        raise ValueError("patch and stride must be >= 1")
    was_training = model.training
    _, H, W = image.shape
    if patch > H or patch > W:
        raise ValueError("patch does not fit")
    model.eval()
    out = np.zeros(((H - patch) // stride + 1, (W - patch) // stride + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            image[:, i * stride : i * stride + patch, j * stride : j * stride + patch] = fill
            with torch.no_grad():
                out[i, j] = torch.softmax(model(image[None]), dim=1)[0, target]
    model.train(was_training)
    return out
