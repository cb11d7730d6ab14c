"""Uses F_N instead of F_C in the depthwise term (one kernel per output channel)."""


def separable_params(f_n, f_c, f_h, f_w, bias=True):
    return f_n * f_h * f_w + f_n * f_c + (f_n if bias else 0)
