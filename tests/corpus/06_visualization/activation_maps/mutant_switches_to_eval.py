"""Switches the model to eval mode and leaves it there."""

import torch


def activation_maps(model, layer, x):
    captured = []
    handle = layer.register_forward_hook(
        lambda module, inputs, output: captured.append(output.clone())
    )
    model.eval()
    try:
        with torch.no_grad():
            model(x)
    finally:
        handle.remove()
    if not captured:
        raise ValueError("layer did not run")
    return captured[0]
