"""Sizes of the two weight shapes (F_C, 1, F_h, F_w) and (F_N, F_C, 1, 1) with math.prod."""
import math


def separable_params(f_n, f_c, f_h, f_w, bias=True):
    shapes = [(f_c, 1, f_h, f_w), (f_n, f_c, 1, 1)]
    return sum(math.prod(shape) for shape in shapes) + (f_n if bias else 0)
