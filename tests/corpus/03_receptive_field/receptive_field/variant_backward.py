"""Backward recursion (Araujo et al.) r_{l-1} = S_l r_l + (F_eff_l - S_l), run for every prefix."""


def receptive_field(layers):
    parsed = []
    for layer in layers:
        if len(layer) == 2:
            f, s, d = layer[0], layer[1], 1
        elif len(layer) == 3:
            f, s, d = layer
        else:
            raise ValueError(f"bad layer {layer!r}")
        if f < 1 or s < 1 or d < 1:
            raise ValueError(f"bad layer {layer!r}")
        parsed.append((f, s, d))
    fields = []
    for k in range(1, len(parsed) + 1):
        r = 1
        for f, s, d in reversed(parsed[:k]):
            r = s * r + (d * (f - 1) + 1 - s)
        fields.append(r)
    return fields
