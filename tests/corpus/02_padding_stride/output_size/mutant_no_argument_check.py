"""Accepts negative padding (returns a size) and fails with ZeroDivisionError for stride 0."""


def output_size(n, f, p=0, s=1, d=1):
    f_eff = d * (f - 1) + 1
    span = n - f_eff + 2 * p
    if span < 0:
        raise ValueError(f"the filter (effective size {f_eff}) is larger than the input {n} padded by {p}")
    if span % s != 0:
        raise ValueError(f"({n} - {f_eff} + 2*{p})/{s} + 1 = {span / s + 1:.2f}: does not fit")
    return span // s + 1
