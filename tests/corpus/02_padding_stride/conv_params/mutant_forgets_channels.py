"""Forgets that a filter is as deep as the input (no F_c)."""


def conv_params(f_n, f_c, f_h, f_w, bias=True):
    return f_n * f_h * f_w + (f_n if bias else 0)
