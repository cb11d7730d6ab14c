"""Counts the biases only when asked: bias defaults to False, unlike notebook 02 and nn.Conv2d."""


def conv_params(f_n, f_c, f_h, f_w, bias=False):
    return f_n * f_c * f_h * f_w + (f_n if bias else 0)
