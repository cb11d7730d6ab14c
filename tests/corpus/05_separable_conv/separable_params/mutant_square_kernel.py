"""Assumes a square kernel in the depthwise term: F_h * F_h."""


def separable_params(f_n, f_c, f_h, f_w, bias=True):
    return f_c * f_h * f_h + f_n * f_c + (f_n if bias else 0)
