"""torch.roll, then a mask zeroes the rows and columns that wrapped around."""
import torch


def shift_images(x: torch.Tensor, dx: int, dy: int) -> torch.Tensor:
    h, w = x.shape[-2:]
    rolled = torch.roll(x, shifts=(dy % h if h else 0, dx % w if w else 0), dims=(-2, -1))
    rows = torch.arange(h) - dy
    cols = torch.arange(w) - dx
    keep = ((rows >= 0) & (rows < h))[:, None] & ((cols >= 0) & (cols < w))[None, :]
    return rolled * keep.to(x.dtype)
