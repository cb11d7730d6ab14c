"""Counts the entries of the weight matrix shape and bias vector shape."""
import math


def dense_params(height, width, channels, units, bias=True):
    for name, size in [("height", height), ("width", width), ("channels", channels), ("units", units)]:
        if size < 1:
            raise ValueError(f"{name} must be at least 1, got {size}")
    weight_shape = (units, height * width * channels)
    bias_shape = (units,) if bias else (0,)
    return math.prod(weight_shape) + math.prod(bias_shape)
