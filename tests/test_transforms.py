"""Tests of in5400lib.transforms: rotation and zoom of image batches with affine_grid."""

from __future__ import annotations

import math

import pytest
import torch

from in5400lib.transforms import rotate_images, scale_images


def centred_coordinates(h: int, w: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Pixel-centre coordinates (H, W) measured from the image centre, x right and y down."""
    ys = torch.arange(h, dtype=torch.float64) - (h - 1) / 2
    xs = torch.arange(w, dtype=torch.float64) - (w - 1) / 2
    return torch.meshgrid(xs, ys, indexing="xy")


def linear_images(h: int, w: int) -> torch.Tensor:
    """A batch (2, 3, H, W) of images that are linear functions a*x + b*y + c of the position."""
    xs, ys = centred_coordinates(h, w)
    planes = [(0.7, 0.3, 0.0), (0.7, 0.3, 1.0), (0.7, 0.3, -2.0), (-0.4, 0.2, 0.5)]
    planes += [(-0.4, 0.2, 0.0), (1.1, -0.5, 3.0)]
    return torch.stack([a * xs + b * ys + c for a, b, c in planes]).reshape(2, 3, h, w)


def linear_value(x: torch.Tensor, n: int, c: int, px: torch.Tensor, py: torch.Tensor):
    """Evaluate image x[n, c] (a linear function of position) at centred coordinates (px, py)."""
    img = x[n, c].double()
    slope_x, slope_y = img[0, 1] - img[0, 0], img[1, 0] - img[0, 0]
    return img.mean() + slope_x * px + slope_y * py


def test_identity_transforms_return_the_images() -> None:
    x = torch.randn(2, 3, 5, 7)
    torch.testing.assert_close(rotate_images(x, 0), x, atol=1e-5, rtol=0)
    torch.testing.assert_close(scale_images(x, 1.0), x, atol=1e-5, rtol=0)


def test_quarter_turns_match_rot90_and_flips() -> None:
    x = torch.randn(3, 2, 6, 6)
    torch.testing.assert_close(
        rotate_images(x, 90), torch.rot90(x, 1, dims=(2, 3)), atol=1e-5, rtol=0
    )
    torch.testing.assert_close(
        rotate_images(x, -90), torch.rot90(x, -1, dims=(2, 3)), atol=1e-5, rtol=0
    )
    torch.testing.assert_close(rotate_images(x, 180), x.flip(2, 3), atol=1e-5, rtol=0)


def test_a_quarter_turn_moves_the_right_edge_to_the_top() -> None:
    x = torch.zeros(1, 1, 4, 4)
    x[0, 0, 1:3, 3] = 1.0  # a mark on the right edge
    turned = rotate_images(x, 90)[0, 0]
    assert turned[0, 1:3].tolist() == [1.0, 1.0] and turned.sum() == 2.0


@pytest.mark.parametrize("degrees", [10.0, 33.0, -45.0])
def test_rotation_of_a_linear_image_is_exact_inside_non_square_images(degrees: float) -> None:
    h, w = 9, 14
    x = linear_images(h, w)
    xs, ys = centred_coordinates(h, w)
    t = math.radians(degrees)
    # output pixel p shows the input at R^-1 p (counter-clockwise on screen, y down)
    src_x, src_y = math.cos(t) * xs - math.sin(t) * ys, math.sin(t) * xs + math.cos(t) * ys
    inside = (src_x.abs() <= (w - 1) / 2) & (src_y.abs() <= (h - 1) / 2)
    rotated = rotate_images(x.double(), degrees)
    for n in range(2):
        for c in range(3):
            expected = linear_value(x, n, c, src_x, src_y)
            torch.testing.assert_close(rotated[n, c][inside], expected[inside])
    assert (rotated[:, :, ~((src_x.abs() < w / 2 + 1) & (src_y.abs() < h / 2 + 1))] == 0).all()


@pytest.mark.parametrize("factor", [1.5, 2.0, 0.75])
def test_zoom_of_a_linear_image_is_exact_where_it_has_content(factor: float) -> None:
    h, w = 8, 11
    x = linear_images(h, w)
    xs, ys = centred_coordinates(h, w)
    src_x, src_y = xs / factor, ys / factor
    inside = (src_x.abs() <= (w - 1) / 2) & (src_y.abs() <= (h - 1) / 2)
    zoomed = scale_images(x.double(), factor)
    for n in range(2):
        for c in range(3):
            torch.testing.assert_close(
                zoomed[n, c][inside], linear_value(x, n, c, src_x, src_y)[inside]
            )


def test_zooming_out_leaves_a_zero_border_and_keeps_the_input() -> None:
    x = torch.ones(2, 3, 8, 10)
    copy = x.clone()
    small = scale_images(x, 0.5)
    assert small.shape == x.shape and small.dtype == x.dtype
    assert (small[..., 0, :] == 0).all() and (small[..., :, 0] == 0).all()
    torch.testing.assert_close(small[..., 3:5, 4:6], torch.ones(2, 3, 2, 2))
    torch.testing.assert_close(x, copy)


def test_transforms_reject_bad_input() -> None:
    with pytest.raises(TypeError, match="float"):
        rotate_images(torch.zeros(1, 3, 4, 4, dtype=torch.uint8), 10)
    with pytest.raises(ValueError, match="N, C, H, W"):
        rotate_images(torch.zeros(3, 4, 4), 10)
    with pytest.raises(ValueError, match="positive"):
        scale_images(torch.zeros(1, 1, 4, 4), 0.0)
