"""Tests of in5400lib.visualize: guided backprop and deconvnet through ReLU backward hooks."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from in5400lib.visualize import deconvnet, gradient_image, guided_backprop, relu_backward_rule


def _mlp(seed: int, inplace: bool = False) -> nn.Sequential:
    """Flatten -> Linear(12, 9) -> ReLU -> Linear(9, 7) -> ReLU -> Linear(7, 4), in float64."""
    torch.manual_seed(seed)
    return nn.Sequential(
        nn.Flatten(),
        nn.Linear(12, 9),
        nn.ReLU(inplace=inplace),
        nn.Linear(9, 7),
        nn.ReLU(inplace=inplace),
        nn.Linear(7, 4),
    ).double()


def _hand_gradient(model: nn.Sequential, image: torch.Tensor, target: int, rule: str) -> np.ndarray:
    """The rule's input gradient of the MLP above, derived by hand with numpy."""
    w1, b1, w2, b2, w3 = (
        t.detach().numpy()
        for t in (model[1].weight, model[1].bias, model[3].weight, model[3].bias, model[5].weight)
    )
    x = image.numpy().reshape(-1)
    a1 = w1 @ x + b1
    a2 = w2 @ np.maximum(a1, 0) + b2
    g = w3[target]
    for w, a in ((w2, a2), (w1, a1)):
        if rule == "guided":
            g = g * (a > 0) * (g > 0)
        else:
            g = np.maximum(g, 0)
        g = w.T @ g
    return g.reshape(image.shape)


@pytest.mark.parametrize("inplace", [False, True])
@pytest.mark.parametrize(
    ("method", "rule"), [(guided_backprop, "guided"), (deconvnet, "deconvnet")]
)
def test_matches_hand_derived_gradient(method, rule, inplace):
    image = torch.from_numpy(np.random.default_rng(0).normal(size=(3, 2, 2)))
    for seed in range(3):
        model = _mlp(seed, inplace)
        for target in range(4):
            got = method(model, image, target)
            assert got.shape == image.shape, f"expected shape {image.shape}, got {got.shape}"
            expected = _hand_gradient(model, image, target, rule)
            np.testing.assert_allclose(got.numpy(), expected, rtol=1e-10, atol=1e-12)


class _GuidedReLU(torch.autograd.Function):
    """ReLU whose backward keeps the signal only where input and gradient are both positive."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x.clamp(min=0)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * (x > 0) * (g > 0)


class _GuidedReLUModule(nn.Module):
    def forward(self, x):
        return _GuidedReLU.apply(x)


def _cnn(relu: type[nn.Module] | None, inplace: bool = True) -> nn.Sequential:
    """A small conv net with max pooling; ``relu=None`` uses ``nn.ReLU(inplace)``."""
    make = (lambda: nn.ReLU(inplace=inplace)) if relu is None else relu
    torch.manual_seed(5)
    return nn.Sequential(
        nn.Conv2d(3, 6, 3, padding=1),
        make(),
        nn.MaxPool2d(2),
        nn.Conv2d(6, 8, 3, padding=1),
        make(),
        nn.Flatten(),
        nn.Linear(8 * 3 * 4, 5),
    ).double()


def test_guided_backprop_of_a_cnn_with_inplace_relus_matches_a_custom_autograd_relu():
    hooked = _cnn(None, inplace=True)
    reference = _cnn(_GuidedReLUModule)
    reference.load_state_dict(hooked.state_dict())
    image = torch.from_numpy(np.random.default_rng(1).normal(size=(3, 6, 8)))
    for target in range(5):
        x = image.clone().requires_grad_(True)
        (expected,) = torch.autograd.grad(reference(x.unsqueeze(0))[0, target], x)
        got = guided_backprop(hooked, image, target)
        np.testing.assert_allclose(got.numpy(), expected.numpy(), rtol=1e-10, atol=1e-12)
        (plain,) = torch.autograd.grad(hooked(x.unsqueeze(0))[0, target], x)
        assert not torch.allclose(got, plain), "guided backprop should differ from the gradient"


def test_leaves_model_image_and_parameter_grads_as_they_were():
    model = _cnn(None, inplace=True)
    model.train()
    image = torch.from_numpy(np.random.default_rng(2).normal(size=(3, 6, 8)))
    before = image.clone()
    guided_backprop(model, image, 1)
    deconvnet(model, image, 2)
    assert model.training, "the model's training mode should be restored"
    relus = [m for m in model.modules() if isinstance(m, nn.ReLU)]
    assert all(relu.inplace for relu in relus), "inplace flags should be restored"
    assert all(not relu._backward_hooks for relu in relus), "hooks should be removed"
    assert all(p.grad is None for p in model.parameters()), "parameter grads should stay None"
    assert torch.equal(image, before) and not image.requires_grad and image.grad is None


def test_hooks_and_inplace_flags_are_restored_when_the_forward_raises():
    model = _cnn(None, inplace=True)
    wrong = torch.zeros(4, 6, 8, dtype=torch.float64)  # 4 channels, the model wants 3
    with pytest.raises(RuntimeError):
        guided_backprop(model, wrong, 0)
    relus = [m for m in model.modules() if isinstance(m, nn.ReLU)]
    assert all(relu.inplace for relu in relus)
    assert all(not relu._backward_hooks for relu in relus)


def test_relu_backward_rule_counts_relus_and_rejects_unknown_rules():
    model = _cnn(None)
    with relu_backward_rule(model, "guided") as hooked:
        assert hooked == 2
    with pytest.raises(ValueError, match="rule"), relu_backward_rule(model, "plain"):
        pass
    with pytest.raises(ValueError, match=r"\(C, H, W\)"):
        guided_backprop(model, torch.zeros(1, 3, 6, 8, dtype=torch.float64), 0)


def test_gradient_image_maps_zero_to_grey_and_keeps_the_sign():
    grad = torch.tensor([[[0.0, 2.0]], [[-4.0, 1.0]], [[0.0, 0.0]]])  # (C=3, H=1, W=2)
    picture = gradient_image(grad)
    assert picture.shape == (1, 2, 3)
    np.testing.assert_allclose(picture[0, 0], [0.5, 0.0, 0.5])
    np.testing.assert_allclose(picture[0, 1], [0.75, 0.625, 0.5])
    np.testing.assert_array_equal(gradient_image(np.zeros((3, 2, 2))), np.full((2, 2, 3), 0.5))


def test_receptive_field_at_follows_the_path_into_residual_blocks():
    from in5400lib.models import Residual
    from in5400lib.visualize import receptive_field_at

    inner = nn.ReLU()
    model = nn.Sequential(
        nn.Conv2d(3, 4, 3, padding=1),  # r 3
        nn.ReLU(),
        nn.MaxPool2d(2),  # r 4, stride 2
        Residual(nn.Conv2d(4, 4, 3, padding=1), inner),  # r 4 + 2 * 2 = 8
        nn.Conv2d(4, 2, (5, 3), padding=(2, 1)),  # r 8 + 4 * 2 = 16 tall, 8 + 2 * 2 = 12 wide
        nn.ReLU(),
    )
    first = receptive_field_at(model, model[1])
    assert (first.receptive_field, first.stride, first.padding) == ((3, 3), (1, 1), (1, 1))
    nested = receptive_field_at(model, inner)
    assert (nested.receptive_field, nested.stride, nested.padding) == ((8, 8), (2, 2), (3, 3))
    assert receptive_field_at(model, model[3]).receptive_field == (8, 8)
    last = receptive_field_at(model, model[5])
    assert (last.receptive_field, last.stride, last.padding) == ((16, 12), (2, 2), (7, 5))


def test_receptive_field_at_refuses_foreign_layers_and_custom_blocks():
    from in5400lib.visualize import receptive_field_at

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(3, 3, 3)

        def forward(self, x):
            return self.conv(x) * 2

    model = nn.Sequential(nn.Conv2d(3, 3, 3), Block())
    with pytest.raises(ValueError, match="not a layer"):
        receptive_field_at(model, nn.ReLU())
    with pytest.raises(TypeError, match="Block"):
        receptive_field_at(model, model[1].conv)
