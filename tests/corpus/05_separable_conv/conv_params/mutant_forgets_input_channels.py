"""Forgets the input channels: counts one F_h x F_w plane per kernel."""


def conv_params(f_n, f_c, f_h, f_w, bias=True):
    return f_n * f_h * f_w + (f_n if bias else 0)
