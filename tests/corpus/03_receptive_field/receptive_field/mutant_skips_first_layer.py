"""Skips the first layer: starts the recursion at R^1 = 1, so six 3x3 layers give 11, not 13."""


def receptive_field(layers):
    if any(len(layer) not in (2, 3) for layer in layers):
        raise ValueError("a layer is (F, S) or (F, S, D)")
    layers = [(*layer, 1)[:3] for layer in layers]
    if any(min(layer) < 1 for layer in layers):
        raise ValueError("values must be >= 1")
    if not layers:
        return []
    field, step = 1, layers[0][1]
    fields = [field]
    for f, s, d in layers[1:]:
        field += d * (f - 1) * step
        step *= s
        fields.append(field)
    return fields
