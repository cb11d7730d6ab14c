"""Counts F_N full depthwise kernels: F_N * F_C * F_h * F_w plus the pointwise term."""


def separable_params(f_n, f_c, f_h, f_w, bias=True):
    return f_n * f_c * f_h * f_w + f_n * f_c + (f_n if bias else 0)
