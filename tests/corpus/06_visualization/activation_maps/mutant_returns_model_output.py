"""Returns the model's output instead of the layer's."""
import torch


def activation_maps(model, layer, x):
    handle = layer.register_forward_hook(lambda module, inputs, output: None)
    try:
        with torch.no_grad():
            out = model(x)
    finally:
        handle.remove()
    return out.detach()
