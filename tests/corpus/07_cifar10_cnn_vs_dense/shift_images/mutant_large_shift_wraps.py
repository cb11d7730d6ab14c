"""Slicing with negative indices: shifts by the full width or more give garbage instead of zeros."""
import torch


def shift_images(x: torch.Tensor, dx: int, dy: int) -> torch.Tensor:
    h, w = x.shape[-2:]
    out = torch.zeros_like(x)
    src = x[..., max(-dy, 0) : h - max(dy, 0), max(-dx, 0) : w - max(dx, 0)]
    out[..., max(dy, 0) : max(dy, 0) + src.shape[-2], max(dx, 0) : max(dx, 0) + src.shape[-1]] = src
    return out
