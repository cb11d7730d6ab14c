"""A layer that never runs ends in an IndexError (captured[0] of an empty list), not a ValueError."""

import torch


def activation_maps(model, layer, x):
    captured = []
    handle = layer.register_forward_hook(
        lambda module, inputs, output: captured.append(output.clone())
    )
    try:
        with torch.no_grad():
            model(x)
    finally:
        handle.remove()
    return captured[0]
