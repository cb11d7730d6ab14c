"""Geometric transforms of image batches with torch: rotation and zoom about the centre.

Both work on float batches (N, C, H, W) of any size, keep the shape, fill what
comes in from outside the image with zeros and interpolate bilinearly
(``F.affine_grid`` + ``F.grid_sample``)::

    rotate_images(x, 30)     # content turned 30 degrees counter-clockwise
    scale_images(x, 1.5)     # zoom in: content 1.5x larger, the border is cut off
    scale_images(x, 0.75)    # zoom out: content smaller, a zero border around it
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

__all__ = ["affine_images", "rotate_images", "scale_images"]


def affine_images(x: torch.Tensor, matrix: torch.Tensor) -> torch.Tensor:
    """Resample x (N, C, H, W) so that output pixel ``p`` shows input pixel ``matrix @ p``.

    ``matrix`` (2, 2) acts on pixel coordinates (x to the right, y down) measured
    from the image centre, so it may rotate and zoom non-square images without
    distortion. Bilinear interpolation, zeros outside the input; float dtypes only.
    """
    if x.ndim != 4:
        raise ValueError(f"expected a batch (N, C, H, W), got shape {tuple(x.shape)}")
    if not x.is_floating_point():
        raise TypeError(f"expected a float tensor, got {x.dtype}: convert (and normalise) first")
    n, _, h, w = x.shape
    # affine_grid works in normalised coordinates (-1..1 along each axis): convert from pixels.
    to_pixels = torch.diag(torch.tensor([w / 2, h / 2], dtype=torch.float64))
    to_normalised = torch.diag(torch.tensor([2 / w, 2 / h], dtype=torch.float64))
    theta = to_normalised @ matrix.to(torch.float64) @ to_pixels
    theta = torch.cat([theta, torch.zeros(2, 1, dtype=torch.float64)], dim=1)
    grid = F.affine_grid(theta.to(x.dtype).expand(n, 2, 3), list(x.shape), align_corners=False)
    return F.grid_sample(x, grid, mode="bilinear", padding_mode="zeros", align_corners=False)


def rotate_images(x: torch.Tensor, degrees: float) -> torch.Tensor:
    """Rotate every image of x (N, C, H, W) by ``degrees`` counter-clockwise about its centre.

    Corners that come in from outside are 0. ``rotate_images(x, 90)`` of a square
    image equals ``torch.rot90(x, 1, dims=(2, 3))``.
    """
    angle = math.radians(degrees)
    cos, sin = math.cos(angle), math.sin(angle)
    # Output pixel p shows the input pixel that the rotation moves onto p: R(angle)^-1 p,
    # written for y pointing down (a counter-clockwise turn on screen).
    return affine_images(x, torch.tensor([[cos, -sin], [sin, cos]], dtype=torch.float64))


def scale_images(x: torch.Tensor, factor: float) -> torch.Tensor:
    """Zoom every image of x (N, C, H, W) by ``factor`` about its centre, keeping the shape.

    ``factor > 1`` enlarges the content (zoom in; the border is cut off), ``factor < 1``
    shrinks it (zoom out; a border of zeros appears).
    """
    if factor <= 0:
        raise ValueError(f"factor must be positive, got {factor}")
    return affine_images(x, torch.eye(2, dtype=torch.float64) / factor)
