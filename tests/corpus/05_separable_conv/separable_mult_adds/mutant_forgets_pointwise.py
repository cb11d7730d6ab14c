"""Forgets the pointwise step: counts only the depthwise multiply-adds."""


def separable_mult_adds(f_n, f_c, f_h, f_w, h_out, w_out):
    return f_c * f_h * f_w * h_out * w_out
