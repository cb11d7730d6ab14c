"""Raises ValueError without naming the numbers."""


def output_size(n, f, p=0, s=1, d=1):
    f_eff = d * (f - 1) + 1
    span = n - f_eff + 2 * p
    if span < 0 or span % s:
        raise ValueError("does not fit")
    return span // s + 1
