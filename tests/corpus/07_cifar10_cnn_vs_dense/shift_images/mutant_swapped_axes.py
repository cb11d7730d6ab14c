"""Shifts dx along the height and dy along the width."""
import torch


def shift_images(x: torch.Tensor, dx: int, dy: int) -> torch.Tensor:
    dx, dy = dy, dx
    h, w = x.shape[-2:]
    out = torch.zeros_like(x)
    if abs(dx) >= w or abs(dy) >= h:
        return out
    out[..., max(dy, 0) : h + min(dy, 0), max(dx, 0) : w + min(dx, 0)] = x[
        ..., max(-dy, 0) : h + min(-dy, 0), max(-dx, 0) : w + min(-dx, 0)
    ]
    return out
