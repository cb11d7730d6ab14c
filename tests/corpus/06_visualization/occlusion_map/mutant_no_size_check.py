"""No ValueError: a patch larger than the image gives an empty map."""

import torch


def occlusion_map(model, image, target, patch=8, stride=4, fill=0.0):
    if patch < 1 or stride < 1:
        raise ValueError("patch and stride must be >= 1")
    was_training = model.training
    _, H, W = image.shape
    rows, cols = max(0, (H - patch) // stride + 1), max(0, (W - patch) // stride + 1)
    occluded = image.detach().repeat(rows * cols, 1, 1, 1)
    for k in range(rows * cols):
        i, j = divmod(k, cols)
        occluded[k, :, i * stride : i * stride + patch, j * stride : j * stride + patch] = fill
    model.eval()
    if rows * cols == 0:
        model.train(was_training)
        return torch.zeros(rows, cols).numpy()
    with torch.no_grad():
        probs = torch.softmax(model(occluded), dim=1)[:, target]
    model.train(was_training)
    return probs.reshape(rows, cols).numpy()
