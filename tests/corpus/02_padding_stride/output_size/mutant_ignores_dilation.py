"""Ignores dilation: uses F instead of F_eff = d(F - 1) + 1."""


def output_size(n, f, p=0, s=1, d=1):
    span = n - f + 2 * p
    if span < 0 or span % s:
        raise ValueError(f"({n} - {f} + 2*{p})/{s} + 1 = {span / s + 1:.2f} does not fit")
    return span // s + 1
