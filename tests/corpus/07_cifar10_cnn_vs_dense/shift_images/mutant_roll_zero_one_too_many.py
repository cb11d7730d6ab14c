"""Rolls, then zeroes one row/column too many on the side the content came from."""
import torch


def shift_images(x: torch.Tensor, dx: int, dy: int) -> torch.Tensor:
    h, w = x.shape[-2:]
    if abs(dx) >= w or abs(dy) >= h:
        return torch.zeros_like(x)
    out = torch.roll(x, shifts=(dy, dx), dims=(-2, -1))
    if dy > 0:
        out[..., : dy + 1, :] = 0
    elif dy < 0:
        out[..., dy - 1 :, :] = 0
    if dx > 0:
        out[..., :, : dx + 1] = 0
    elif dx < 0:
        out[..., :, dx - 1 :] = 0
    return out
