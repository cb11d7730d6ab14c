"""The vectorized numpy convolution agrees with torch.nn.functional.conv2d (float64)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from in5400lib.conv import conv2d, conv_output_shape, windows


def torch_conv2d(x, w, b, stride, padding):
    out = torch.nn.functional.conv2d(
        torch.from_numpy(x),
        torch.from_numpy(w),
        None if b is None else torch.from_numpy(b),
        stride=stride,
        padding=padding,
    )
    return out.numpy()


def fitting_case(rng: np.random.Generator):
    """A random layer whose filter fits exactly: non-square input and filter, batch > 1."""
    stride = int(rng.integers(1, 4))
    padding = int(rng.integers(0, 3))
    f_h, f_w = (int(v) for v in rng.integers(1, 6, size=2))
    h_out, w_out = (int(v) for v in rng.integers(1, 7, size=2))
    # choose H, W so that (H - F + 2P) is a multiple of the stride and H >= 1
    h = max(1, (h_out - 1) * stride + f_h - 2 * padding)
    w = max(1, (w_out - 1) * stride + f_w - 2 * padding)
    h += (-(h + 2 * padding - f_h)) % stride
    w += (-(w + 2 * padding - f_w)) % stride
    n, c, f_n = (int(v) for v in rng.integers(1, 5, size=3))
    x = rng.standard_normal((n + 1, c, h, w))
    weights = rng.standard_normal((f_n, c, f_h, f_w))
    bias = rng.standard_normal(f_n) if rng.random() < 0.7 else None
    return x, weights, bias, stride, padding


@pytest.mark.parametrize("seed", range(60))
def test_conv2d_matches_torch_on_random_layers(seed):
    rng = np.random.default_rng(seed)
    x, w, b, stride, padding = fitting_case(rng)
    out = conv2d(x, w, b, stride=stride, padding=padding)
    expected = torch_conv2d(x, w, b, stride, padding)
    assert out.shape == expected.shape, (out.shape, expected.shape)
    np.testing.assert_allclose(out, expected, rtol=1e-10, atol=1e-12)


def test_conv2d_lecture_example_shape_and_float32():
    """32x32x3 image, six 5x5x3 filters -> 28x28x6; float32 stays float32."""
    rng = np.random.default_rng(5400)
    x = rng.standard_normal((2, 3, 32, 32)).astype(np.float32)
    w = rng.standard_normal((6, 3, 5, 5)).astype(np.float32)
    out = conv2d(x, w)
    assert out.shape == (2, 6, 28, 28)
    assert out.dtype == np.float32
    assert out.flags["C_CONTIGUOUS"]
    np.testing.assert_allclose(out, torch_conv2d(x, w, None, 1, 0), rtol=1e-4, atol=1e-4)


def test_windows_are_strided_views_of_the_padded_input():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 3, 6, 7))
    view = windows(x, 2, 3, stride=2, padding=1)
    padded = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    assert view.shape == (2, 3, *conv_output_shape(6, 7, 2, 3, stride=2, padding=1), 2, 3)
    np.testing.assert_array_equal(view[1, :, 2, 1], padded[1, :, 4:6, 2:5])
    assert np.shares_memory(windows(x, 2, 3), x)  # no copy without padding


@pytest.mark.parametrize(
    ("args", "expected"),
    [((7, 7, 3, 3, 1, 0), (5, 5)), ((7, 7, 3, 3, 2, 0), (3, 3)), ((32, 32, 5, 5, 1, 2), (32, 32))],
)
def test_conv_output_shape_lecture_examples(args, expected):
    assert conv_output_shape(*args) == expected


def test_stride_that_does_not_fit_raises():
    with pytest.raises(ValueError, match="2.33"):
        conv_output_shape(7, 7, 3, 3, stride=3)
    with pytest.raises(ValueError, match="not a whole number"):
        conv2d(np.zeros((1, 1, 7, 8)), np.zeros((1, 1, 3, 3)), stride=2)


def test_channel_mismatch_and_oversized_filter_raise():
    with pytest.raises(ValueError, match="channels"):
        conv2d(np.zeros((2, 3, 8, 8)), np.zeros((4, 2, 3, 3)))
    with pytest.raises(ValueError, match="larger"):
        conv2d(np.zeros((1, 1, 3, 3)), np.zeros((1, 1, 5, 5)))
