"""The numerical gradient check agrees with torch autograd and catches a wrong gradient."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from in5400lib.gradcheck import GOOD_REL_ERROR, gradient_errors, numerical_gradient_array


def test_matches_autograd_for_a_convolution():
    rng = np.random.default_rng(0)
    x, w = rng.normal(size=(2, 2, 5, 4)), rng.normal(size=(3, 2, 3, 2))
    dout = rng.normal(size=(2, 3, 3, 3))
    xt = torch.from_numpy(x.copy()).requires_grad_()
    out = torch.nn.functional.conv2d(xt, torch.from_numpy(w), stride=2, padding=1)
    out.backward(torch.from_numpy(dout))

    def forward(x):
        return torch.nn.functional.conv2d(
            torch.from_numpy(x), torch.from_numpy(w), stride=2, padding=1
        ).numpy()

    numeric = numerical_gradient_array(forward, x, dout)
    errors = gradient_errors({"dx": xt.grad.numpy()}, {"dx": numeric}, verbose=False)
    assert errors["dx"] < GOOD_REL_ERROR, errors


def test_exact_for_a_quadratic():
    # d/dx sum(x**2 * dout) = 2 x dout; the centred difference is exact for a quadratic
    x = np.array([[1.0, -2.0, 3.0], [0.5, 0.0, -1.5]])
    dout = np.array([[1.0, 2.0, -1.0], [3.0, 0.5, 2.0]])
    np.testing.assert_allclose(
        numerical_gradient_array(np.square, x, dout), 2 * x * dout, atol=1e-8
    )


def test_restores_the_input():
    x = np.arange(6.0).reshape(2, 3)
    numerical_gradient_array(np.sin, x, np.ones((2, 3)))
    np.testing.assert_array_equal(x, np.arange(6.0).reshape(2, 3))


def test_reports_a_wrong_gradient(capsys):
    x = np.linspace(-1, 1, 6).reshape(2, 3)
    dout = np.ones((2, 3))
    numeric = numerical_gradient_array(np.tanh, x, dout)
    wrong = np.ones_like(x)  # forgot the 1 - tanh(x)**2 factor
    errors = gradient_errors({"dx": wrong}, {"dx": numeric})
    assert errors["dx"] > 1e-2
    assert "dx relative error" in capsys.readouterr().out


def test_rejects_integer_input_and_wrong_dout_shape():
    with pytest.raises(TypeError):
        numerical_gradient_array(np.square, np.arange(3), np.ones(3))
    with pytest.raises(ValueError):
        numerical_gradient_array(np.square, np.ones(3), np.ones(4))
    with pytest.raises(ValueError):
        gradient_errors({"dx": np.ones(3)}, {"dx": np.ones(4)})
