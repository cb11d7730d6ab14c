"""Always adds the biases, also when bias=False."""


def dense_params(height, width, channels, units, bias=True):
    return height * width * channels * units + units
