"""Never counts the biases (the weights-only count of the slides), whatever bias says."""


def conv_params(f_n, f_c, f_h, f_w, bias=True):
    return f_n * f_c * f_h * f_w
