"""Counts a bias per kernel even when bias=False."""


def conv_params(f_n, f_c, f_h, f_w, bias=True):
    return f_n * (f_c * f_h * f_w + 1)
