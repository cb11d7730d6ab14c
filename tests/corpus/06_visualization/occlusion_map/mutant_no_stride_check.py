"""No check of patch and stride: stride 0 divides by zero, patch 0 occludes nothing."""

import torch


def occlusion_map(model, image, target, patch=8, stride=4, fill=0.0):
    _, H, W = image.shape
    if patch > H or patch > W:
        raise ValueError("patch does not fit")
    rows, cols = (H - patch) // stride + 1, (W - patch) // stride + 1
    occluded = image.detach().repeat(rows * cols, 1, 1, 1)
    for k in range(rows * cols):
        i, j = divmod(k, cols)
        occluded[k, :, i * stride : i * stride + patch, j * stride : j * stride + patch] = fill
    was_training = model.training
    model.eval()
    with torch.no_grad():
        probs = torch.softmax(model(occluded), dim=1)[:, target]
    model.train(was_training)
    return probs.reshape(rows, cols).numpy()
