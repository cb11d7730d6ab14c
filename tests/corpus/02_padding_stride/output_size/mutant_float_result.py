"""Returns a float (true division) instead of an int."""


def output_size(n, f, p=0, s=1, d=1):
    f_eff = d * (f - 1) + 1
    size = (n - f_eff + 2 * p) / s + 1
    if size < 1 or size != int(size):
        raise ValueError(f"({n} - {f_eff} + 2*{p})/{s} + 1 = {size:.2f} does not fit")
    return size
