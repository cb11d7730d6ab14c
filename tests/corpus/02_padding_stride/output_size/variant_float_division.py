"""Float division, then checks that the result is a whole number."""


def output_size(n, f, p=0, s=1, d=1):
    if not (f >= 1 and s >= 1 and d >= 1 and p >= 0):
        raise ValueError("F, S and d must be positive and P >= 0")
    effective = d * (f - 1) + 1
    size = (n - effective + 2 * p) / s + 1
    if size < 1 or not float(size).is_integer():
        raise ValueError(
            f"N' = ({n} - {effective} + 2*{p})/{s} + 1 = {size:.2f}: does not fit"
        )
    return int(size)
