"""Builds a stack of nn.Conv2d layers from the tuples and reads the fields off in5400lib's tool."""
from torch import nn

from in5400lib.receptive_field import receptive_field_of


def receptive_field(layers):
    convs = []
    for layer in layers:
        if len(layer) not in (2, 3):
            raise ValueError(f"a layer is (F, S) or (F, S, D), got {layer!r}")
        f, s, d = (*layer, 1) if len(layer) == 2 else layer
        if min(f, s, d) < 1:
            raise ValueError(f"kernel size, stride and dilation must be >= 1, got {layer!r}")
        convs.append(nn.Conv2d(1, 1, f, stride=s, dilation=d))
    return [int(row.receptive_field[0]) for row in receptive_field_of(nn.Sequential(*convs))]
