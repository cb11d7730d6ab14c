"""What a CNN responds to: guided backprop, the deconvnet, and where a layer's units look.

Both methods compute "the gradient" of one class score with respect to the
input image, but change the rule that carries the signal backwards through
every ReLU (Springenberg et al. 2015, "Striving for simplicity", fig. 1):

- plain backprop: ``g_in = g_out * (x > 0)``  (keeps where the forward input ``x`` was positive)
- deconvnet:      ``g_in = g_out * (g_out > 0)``  (keeps where the signal is positive)
- guided:         ``g_in = g_out * (x > 0) * (g_out > 0)``  (keeps both)

The rules are installed as backward hooks on the model's ``nn.ReLU`` modules
(ReLUs written as ``F.relu`` inside ``forward`` cannot be hooked and keep the
plain rule). In-place ReLUs (``nn.ReLU(inplace=True)``) are switched to
out-of-place while the hooks are active, because a module backward hook cannot
see an output that was written over its input; everything is restored
afterwards, also when the computation raises.

``receptive_field_at(model, layer)`` gives the receptive field of any layer's
units, also of a layer nested inside a residual block.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Literal

import numpy as np
import torch
from torch import nn

from in5400lib.models import Residual
from in5400lib.receptive_field import ReceptiveFieldRow, receptive_field_of

__all__ = [
    "deconvnet",
    "gradient_image",
    "guided_backprop",
    "receptive_field_at",
    "relu_backward_rule",
]

Rule = Literal["guided", "deconvnet"]
Grads = tuple[torch.Tensor | None, ...]


def _guided_hook(module: nn.Module, grad_input: Grads, grad_output: Grads) -> Grads:
    """ReLU's own gradient ``g_out * (x > 0)``, with its negative entries set to zero as well."""
    (g_in,) = grad_input
    return (None if g_in is None else g_in.clamp(min=0),)


def _deconvnet_hook(module: nn.Module, grad_input: Grads, grad_output: Grads) -> Grads:
    """A ReLU applied to the backward signal, ignoring where the forward input was negative."""
    (g_in,) = grad_input
    return (None if g_in is None else grad_output[0].clamp(min=0),)


_HOOKS = {"guided": _guided_hook, "deconvnet": _deconvnet_hook}


@contextlib.contextmanager
def relu_backward_rule(model: nn.Module, rule: Rule) -> Iterator[int]:
    """Inside the block, every ``nn.ReLU`` in ``model`` passes gradients back with ``rule``.

    Yields the number of ReLU modules that were hooked (0 means the rule has
    no effect, e.g. when the model only uses ``F.relu``).
    """
    if rule not in _HOOKS:
        raise ValueError(f"rule must be one of {sorted(_HOOKS)}, got {rule!r}")
    relus = [m for m in model.modules() if isinstance(m, nn.ReLU)]
    was_inplace = [relu.inplace for relu in relus]
    handles = []
    try:
        for relu in relus:
            relu.inplace = False
            handles.append(relu.register_full_backward_hook(_HOOKS[rule]))
        yield len(relus)
    finally:
        for handle in handles:
            handle.remove()
        for relu, inplace in zip(relus, was_inplace, strict=True):
            relu.inplace = inplace


def _input_gradient(model: nn.Module, image: torch.Tensor, target: int, rule: Rule) -> torch.Tensor:
    """d score_target / d image with the ReLU ``rule``; image ``(C, H, W)`` -> ``(C, H, W)``.

    The model runs in eval mode (its previous mode is restored) and only the
    input gradient is computed, so the parameters' ``.grad`` stay untouched.
    """
    if image.dim() != 3:
        raise ValueError(f"image must have shape (C, H, W), got {tuple(image.shape)}")
    was_training = model.training
    model.eval()
    try:
        x = image.detach().unsqueeze(0).clone().requires_grad_(True)
        with relu_backward_rule(model, rule):
            score = model(x)[0, target]
            (grad,) = torch.autograd.grad(score, x)
    finally:
        model.train(was_training)
    return grad[0]


def guided_backprop(model: nn.Module, image: torch.Tensor, target: int) -> torch.Tensor:
    """Guided backpropagation of class ``target``; image ``(C, H, W)`` -> gradient ``(C, H, W)``.

    Only signal that both excited a unit in the forward pass and increases the
    class score is passed back, which gives sharp, edge-like pictures.
    """
    return _input_gradient(model, image, target, "guided")


def deconvnet(model: nn.Module, image: torch.Tensor, target: int) -> torch.Tensor:
    """Zeiler & Fergus's deconvnet view of class ``target``; ``(C, H, W)`` -> ``(C, H, W)``.

    Backward ReLUs keep the positive part of the signal without looking at the
    forward pass, so the picture depends on the image only through max-pooling
    switches (and is often blurrier than guided backprop).
    """
    return _input_gradient(model, image, target, "deconvnet")


def gradient_image(grad: torch.Tensor | np.ndarray) -> np.ndarray:
    """Show an input gradient ``(C, H, W)`` as an RGB picture ``(H, W, C)`` in [0, 1].

    Zero maps to grey 0.5 and the largest absolute value to 0 or 1, so the
    sign of each colour channel stays visible.
    """
    g = grad.detach().cpu().numpy() if isinstance(grad, torch.Tensor) else np.asarray(grad)
    g = g.astype(np.float64)
    scale = np.abs(g).max()
    if scale > 0:
        g = g / scale
    return np.clip(0.5 + 0.5 * g, 0.0, 1.0).transpose(1, 2, 0)


def receptive_field_at(model: nn.Module, layer: nn.Module) -> ReceptiveFieldRow:
    """Receptive field, stride and padding (in input pixels) of the units of ``layer``'s output.

    ``model`` is a chain of layers: nested ``nn.Sequential`` containers and
    ``Residual`` blocks (whose sum sees what their layer path sees), as
    ``in5400lib.receptive_field.receptive_field_of`` follows them. ``layer`` may sit
    at any depth; the field is that of the path from the input to its output.
    """
    path: list[nn.Module] = []

    def walk(module: nn.Module) -> bool:  # True once ``layer`` has been added to the path
        if module is layer:
            path.append(module)
            return True
        if isinstance(module, Residual):
            return any(walk(child) for child in module.layers)
        if isinstance(module, nn.Sequential) and type(module).forward is nn.Sequential.forward:
            return any(walk(child) for child in module)
        if any(inner is layer for inner in module.modules()):
            raise TypeError(f"cannot follow the layers inside {type(module).__name__}")
        path.append(module)  # a leaf: receptive_field_of says if it cannot follow it
        return False

    if not walk(model):
        raise ValueError("layer is not a layer of model")
    return receptive_field_of(nn.Sequential(*path)).final
