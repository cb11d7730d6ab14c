"""Product with numpy, returned as a Python int."""
import numpy as np


def dense_params(height, width, channels, units, bias=True):
    inputs = int(np.prod([height, width, channels], dtype=np.int64))
    return (inputs + int(bias)) * units
