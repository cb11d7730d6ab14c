"""Accepts a filter larger than the input (a negative span divisible by the stride)."""


def output_size(n, f, p=0, s=1, d=1):
    f_eff = d * (f - 1) + 1
    span = n - f_eff + 2 * p
    if span % s:
        raise ValueError(f"({n} - {f_eff} + 2*{p})/{s} + 1 = {span / s + 1:.2f} does not fit")
    return span // s + 1
