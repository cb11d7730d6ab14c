"""Forgets the colour channels: counts a grey-scale image."""


def dense_params(height, width, channels, units, bias=True):
    return height * width * units + (units if bias else 0)
