"""Adds a single bias instead of one per unit."""


def dense_params(height, width, channels, units, bias=True):
    return height * width * channels * units + (1 if bias else 0)
