"""Refuses zero units but not a zero or negative image size."""


def dense_params(height, width, channels, units, bias=True):
    if units < 1:
        raise ValueError("a layer needs at least one unit")
    return height * width * channels * units + (units if bias else 0)
