"""F.pad by the shift on the entering side, then slice the window."""
import torch
import torch.nn.functional as F


def shift_images(x: torch.Tensor, dx: int, dy: int) -> torch.Tensor:
    h, w = x.shape[-2:]
    if abs(dx) >= w or abs(dy) >= h:
        return torch.zeros_like(x)
    padded = F.pad(x, (max(dx, 0), max(-dx, 0), max(dy, 0), max(-dy, 0)))
    top, left = max(-dy, 0), max(-dx, 0)
    return padded[..., top : top + h, left : left + w].clone()
