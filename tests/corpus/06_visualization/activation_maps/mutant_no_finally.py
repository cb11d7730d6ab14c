"""Removes the hook only when the forward pass succeeds (no try/finally)."""

import torch


def activation_maps(model, layer, x):
    captured = []
    handle = layer.register_forward_hook(lambda module, inputs, output: captured.append(output))
    with torch.no_grad():
        model(x)
    handle.remove()
    if not captured:
        raise ValueError("layer did not run")
    return captured[0].detach()
