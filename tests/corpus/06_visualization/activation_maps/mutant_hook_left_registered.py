"""Never removes the forward hook: it stays on the layer after the call."""

import torch


def activation_maps(model, layer, x):
    captured = []
    layer.register_forward_hook(lambda module, inputs, output: captured.append(output))
    with torch.no_grad():
        model(x)
    if not captured:
        raise ValueError("layer did not run")
    return captured[-1].detach()
