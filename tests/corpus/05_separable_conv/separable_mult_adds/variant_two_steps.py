"""Counts the two steps separately with conv_mult_adds: depthwise (F_C kernels of one channel), then 1x1."""


def separable_mult_adds(f_n, f_c, f_h, f_w, h_out, w_out):
    depthwise = conv_mult_adds(f_c, 1, f_h, f_w, h_out, w_out)
    pointwise = conv_mult_adds(f_n, f_c, 1, 1, h_out, w_out)
    return depthwise + pointwise
