"""Captures what goes into the layer (the hook's inputs) instead of what comes out."""

import torch


def activation_maps(model, layer, x):
    captured = []
    handle = layer.register_forward_hook(lambda module, inputs, output: captured.append(inputs[0]))
    try:
        with torch.no_grad():
            model(x)
    finally:
        handle.remove()
    if not captured:
        raise ValueError("layer did not run")
    return captured[0].detach()
