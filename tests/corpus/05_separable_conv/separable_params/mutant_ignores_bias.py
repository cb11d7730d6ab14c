"""Never counts the pointwise bias, whatever bias says."""


def separable_params(f_n, f_c, f_h, f_w, bias=True):
    return f_c * f_h * f_w + f_n * f_c
