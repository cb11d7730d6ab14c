"""Ignores the bias argument: never adds the biases."""


def dense_params(height, width, channels, units, bias=True):
    return height * width * channels * units
