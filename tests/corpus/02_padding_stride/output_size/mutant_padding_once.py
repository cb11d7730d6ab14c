"""Counts the padding once (N - F + P) instead of on both sides (+ 2P)."""


def output_size(n, f, p=0, s=1, d=1):
    f_eff = d * (f - 1) + 1
    span = n - f_eff + p
    if span < 0 or span % s:
        raise ValueError(f"({n} - {f_eff} + {p})/{s} + 1 = {span / s + 1:.2f} does not fit")
    return span // s + 1
