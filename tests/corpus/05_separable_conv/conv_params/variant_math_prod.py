"""math.prod of the weight tensor's shape, plus the bias vector's length."""
import math


def conv_params(f_n, f_c, f_h, f_w, bias=True):
    return math.prod((f_n, f_c, f_h, f_w)) + int(bias) * f_n
