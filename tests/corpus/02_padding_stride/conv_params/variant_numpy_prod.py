"""numpy.prod of the filter bank's shape, converted to int."""
import numpy as np


def conv_params(f_n, f_c, f_h, f_w, bias=True):
    weights = int(np.prod([f_n, f_c, f_h, f_w]))
    return weights + f_n * bool(bias)
