"""Two conv_params calls: a depthwise conv (F_C kernels of one channel) and a 1x1 conv."""


def separable_params(f_n, f_c, f_h, f_w, bias=True):
    return conv_params(f_c, 1, f_h, f_w, bias=False) + conv_params(f_n, f_c, 1, 1, bias=bias)
