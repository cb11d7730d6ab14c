"""Works in torch (amin/amax over the filter axes) and converts the result to numpy at the end."""

import torch


def normalize_filters(w):
    if len(w.shape) != 4:
        raise ValueError(f"expected (F_N, C, F_h, F_w), got {tuple(w.shape)}")
    w = torch.as_tensor(w).detach().to(torch.float64)
    low = w.amin(dim=(1, 2, 3), keepdim=True)
    span = w.amax(dim=(1, 2, 3), keepdim=True) - low
    span = torch.where(span > 0, span, torch.ones_like(span))
    return ((w - low) / span).numpy()
