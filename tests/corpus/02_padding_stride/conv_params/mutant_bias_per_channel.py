"""One bias per filter and input channel."""


def conv_params(f_n, f_c, f_h, f_w, bias=True):
    return f_n * f_c * f_h * f_w + (f_n * f_c if bias else 0)
