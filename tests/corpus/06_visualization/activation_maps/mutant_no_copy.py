"""Keeps the hooked output itself (detached, not copied): a later in-place ReLU overwrites it."""


def activation_maps(model, layer, x):
    store = {}

    def keep(module, inputs, output):
        store["maps"] = output.detach()

    handle = layer.register_forward_hook(keep)
    try:
        model(x)
    finally:
        handle.remove()
    if "maps" not in store:
        raise ValueError("layer did not run")
    return store["maps"]
