"""Runs the forward pass with autograd on and returns the output still attached to the graph."""


def activation_maps(model, layer, x):
    captured = []
    handle = layer.register_forward_hook(lambda module, inputs, output: captured.append(output))
    try:
        model(x)
    finally:
        handle.remove()
    if not captured:
        raise ValueError("layer did not run")
    return captured[0]
