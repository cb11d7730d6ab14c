"""Multiply-adds per output position (the separable parameter count) times the positions."""


def separable_mult_adds(f_n, f_c, f_h, f_w, h_out, w_out):
    per_position = f_c * f_h * f_w + f_n * f_c
    return per_position * h_out * w_out
