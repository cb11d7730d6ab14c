"""Correct numbers, but accepts malformed layers (wrong tuple length, values below 1)."""


def receptive_field(layers):
    fields = []
    field, step = 1, 1
    for layer in layers:
        f, s = layer[0], layer[1]
        d = layer[2] if len(layer) > 2 else 1
        field += d * (f - 1) * step
        step *= s
        fields.append(field)
    return fields
