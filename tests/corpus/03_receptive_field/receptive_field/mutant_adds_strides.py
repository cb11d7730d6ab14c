"""Adds the strides (step = 1 + sum of (S - 1) below) instead of multiplying them."""


def receptive_field(layers):
    fields = []
    field, step = 1, 1
    for layer in layers:
        if len(layer) not in (2, 3):
            raise ValueError(f"a layer is (F, S) or (F, S, D), got {layer!r}")
        f, s, d = (*layer, 1)[:3]
        if min(f, s, d) < 1:
            raise ValueError("values must be >= 1")
        field += d * (f - 1) * step
        step += s - 1
        fields.append(field)
    return fields
