"""math.prod of the weight tensor's shape."""
import math


def conv_params(f_n, f_c, f_h, f_w):
    return math.prod((f_n, f_c, f_h, f_w))
