"""Wrap-around: torch.roll moves the pixels that leave one side in at the other."""
import torch


def shift_images(x: torch.Tensor, dx: int, dy: int) -> torch.Tensor:
    return torch.roll(x, shifts=(dy, dx), dims=(-2, -1))
