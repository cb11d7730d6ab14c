"""np.prod of the weight shape: returns a numpy integer instead of a Python int."""
import numpy as np


def conv_params(f_n, f_c, f_h, f_w, bias=True):
    return np.prod(np.array([f_n, f_c, f_h, f_w], dtype=np.int64)) + (f_n if bias else 0)
