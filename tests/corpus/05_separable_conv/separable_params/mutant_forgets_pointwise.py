"""Forgets the pointwise term: counts only the depthwise kernel."""


def separable_params(f_n, f_c, f_h, f_w, bias=True):
    return f_c * f_h * f_w + (f_n if bias else 0)
