"""Builds all binary masks at once and blends image and fill with torch.where, one batched pass."""

import torch
import torch.nn.functional as F


def occlusion_map(model, image, target, patch=8, stride=4, fill=0.0):
    if image.ndim != 3 or min(patch, stride) < 1:
        raise ValueError("one (C, H, W) image, patch >= 1 and stride >= 1")
    _, H, W = image.shape
    if patch > H or patch > W:
        raise ValueError("the patch does not fit in the image")
    tops = torch.arange(0, H - patch + 1, stride)
    lefts = torch.arange(0, W - patch + 1, stride)
    r = torch.arange(H)
    c = torch.arange(W)
    in_rows = (r[None, :] >= tops[:, None]) & (r[None, :] < tops[:, None] + patch)  # (rows, H)
    in_cols = (c[None, :] >= lefts[:, None]) & (c[None, :] < lefts[:, None] + patch)  # (cols, W)
    masks = in_rows[:, None, :, None] & in_cols[None, :, None, :]  # (rows, cols, H, W)
    masks = masks.reshape(-1, 1, H, W)
    occluded = torch.where(masks, torch.tensor(fill, dtype=image.dtype), image.detach()[None])
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            probs = F.softmax(model(occluded), dim=-1)[:, target]
    finally:
        model.train(was_training)
    return probs.reshape(len(tops), len(lefts)).cpu().numpy()
