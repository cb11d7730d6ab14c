"""Floor instead of error: rounds down like PyTorch when the filter does not fit."""


def output_size(n, f, p=0, s=1, d=1):
    f_eff = d * (f - 1) + 1
    return (n - f_eff + 2 * p) // s + 1
