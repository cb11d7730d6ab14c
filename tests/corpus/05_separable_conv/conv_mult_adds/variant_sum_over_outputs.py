"""Sums the dot-product length over all output values of one image."""


def conv_mult_adds(f_n, f_c, f_h, f_w, h_out, w_out):
    per_output = f_c * f_h * f_w
    return sum(per_output for _ in range(f_n * h_out * w_out))
