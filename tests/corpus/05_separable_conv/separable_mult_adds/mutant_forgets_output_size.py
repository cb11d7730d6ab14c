"""Forgets the output size: counts the multiply-adds of a single output position."""


def separable_mult_adds(f_n, f_c, f_h, f_w, h_out, w_out):
    return f_c * f_h * f_w + f_n * f_c
