"""Counts the entries of the weight matrix shape and bias vector shape."""
import math


def dense_params(height, width, channels, units, bias=True):
    weight_shape = (units, height * width * channels)
    bias_shape = (units,) if bias else (0,)
    return math.prod(weight_shape) + math.prod(bias_shape)
