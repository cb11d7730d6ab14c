"""Counts correctly but accepts a layer with zero units or a zero-sized image."""


def dense_params(height, width, channels, units, bias=True):
    return height * width * channels * units + (units if bias else 0)
