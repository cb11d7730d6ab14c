"""Forgets the sum over input channels: F_h * F_w multiply-adds per output value."""


def conv_mult_adds(f_n, f_c, f_h, f_w, h_out, w_out):
    return f_n * f_h * f_w * h_out * w_out
