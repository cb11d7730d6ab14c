"""Adds up the parameters kernel by kernel (its weights and its bias)."""


def conv_params(f_n, f_c, f_h, f_w, bias=True):
    total = 0
    for _ in range(f_n):
        total += f_c * f_h * f_w
        if bias:
            total += 1
    return total
