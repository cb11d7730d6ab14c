"""Counts one filter's parameters, then multiplies by the number of filters."""


def conv_params(f_n, f_c, f_h, f_w, bias=True):
    per_filter = f_c * f_h * f_w + int(bias)
    return f_n * per_filter
