"""Moves the content the wrong way: dx > 0 shifts left and dy > 0 shifts up."""
import torch


def shift_images(x: torch.Tensor, dx: int, dy: int) -> torch.Tensor:
    dx, dy = -dx, -dy
    h, w = x.shape[-2:]
    out = torch.zeros_like(x)
    if abs(dx) >= w or abs(dy) >= h:
        return out
    out[..., max(dy, 0) : h + min(dy, 0), max(dx, 0) : w + min(dx, 0)] = x[
        ..., max(-dy, 0) : h + min(-dy, 0), max(-dx, 0) : w + min(-dx, 0)
    ]
    return out
