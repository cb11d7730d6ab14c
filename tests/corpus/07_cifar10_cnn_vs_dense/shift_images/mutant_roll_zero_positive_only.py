"""Rolls and zeroes the wrapped pixels for positive shifts only: negative shifts wrap around."""
import torch


def shift_images(x: torch.Tensor, dx: int, dy: int) -> torch.Tensor:
    h, w = x.shape[-2:]
    if abs(dx) >= w or abs(dy) >= h:
        return torch.zeros_like(x)
    out = torch.roll(x, shifts=(dy, dx), dims=(-2, -1))
    if dy > 0:
        out[..., :dy, :] = 0
    if dx > 0:
        out[..., :, :dx] = 0
    return out
