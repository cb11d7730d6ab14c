"""Counts one bias per input channel instead of one per kernel."""


def conv_params(f_n, f_c, f_h, f_w, bias=True):
    return f_n * f_c * f_h * f_w + (f_c if bias else 0)
