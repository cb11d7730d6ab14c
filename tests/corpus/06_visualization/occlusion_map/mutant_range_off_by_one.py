"""Positions from range(0, H - patch, stride): misses the last row/column of positions when it fits exactly."""

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
    rows = list(range(0, H - patch, stride))
    cols = list(range(0, W - patch, stride))
    out = np.zeros((len(rows), len(cols)))
    for a, r in enumerate(rows):
        for b, c in enumerate(cols):
            x = image.detach().clone()
            x[:, r : r + patch, c : c + patch] = fill
            with torch.no_grad():
                out[a, b] = torch.softmax(model(x[None]), dim=1)[0, target]
    model.train(was_training)
    return out
