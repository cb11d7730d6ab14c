"""Factored: every input channel owns F_h * F_w depthwise weights and F_N pointwise weights."""


def separable_params(f_n, f_c, f_h, f_w, bias=True):
    return f_c * (f_h * f_w + f_n) + (f_n if bias else 0)
