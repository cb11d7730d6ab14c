"""Assumes a square output: h_out * h_out."""


def conv_mult_adds(f_n, f_c, f_h, f_w, h_out, w_out):
    return f_n * f_c * f_h * f_w * h_out * h_out
