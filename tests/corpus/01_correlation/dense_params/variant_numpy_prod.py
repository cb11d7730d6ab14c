"""Product with numpy, returned as a Python int."""
import numpy as np


def dense_params(height, width, channels, units, bias=True):
    if np.min([height, width, channels, units]) < 1:
        raise ValueError("every size must be at least 1")
    inputs = int(np.prod([height, width, channels], dtype=np.int64))
    return (inputs + int(bias)) * units
