"""Gives the pointwise step the F_h x F_w window too: F_N * F_C * F_h * F_w per position."""


def separable_mult_adds(f_n, f_c, f_h, f_w, h_out, w_out):
    return (f_c * f_h * f_w + f_n * f_c * f_h * f_w) * h_out * w_out
