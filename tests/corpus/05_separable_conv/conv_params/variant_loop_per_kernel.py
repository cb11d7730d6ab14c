"""Adds up the weights kernel by kernel."""


def conv_params(f_n, f_c, f_h, f_w):
    total = 0
    for _ in range(f_n):
        total += f_c * f_h * f_w
    return total
