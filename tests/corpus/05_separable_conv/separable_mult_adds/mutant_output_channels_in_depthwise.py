"""Uses F_N instead of F_C in the depthwise term."""


def separable_mult_adds(f_n, f_c, f_h, f_w, h_out, w_out):
    return (f_n * f_h * f_w + f_n * f_c) * h_out * w_out
