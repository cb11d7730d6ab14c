"""Plain double loop with one forward pass per patch position, restores every layer's mode."""

import numpy as np
import torch


def occlusion_map(model, image, target, patch=8, stride=4, fill=0.0):
    if image.dim() != 3:
        raise ValueError("image must be (C, H, W)")
    if patch < 1 or stride < 1:
        raise ValueError("patch and stride must be positive")
    C, H, W = image.shape
    if patch > min(H, W):
        raise ValueError(f"patch {patch} is larger than the image {H}x{W}")
    modes = {m: m.training for m in model.modules()}  # restored layer by layer at the end
    model.eval()
    out = np.empty(((H - patch) // stride + 1, (W - patch) // stride + 1), dtype=np.float32)
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            x = image.clone()
            x[:, i * stride : i * stride + patch, j * stride : j * stride + patch] = fill
            with torch.no_grad():
                out[i, j] = torch.softmax(model(x.unsqueeze(0)), dim=1)[0, target].item()
    for m, mode in modes.items():
        m.training = mode
    return out
