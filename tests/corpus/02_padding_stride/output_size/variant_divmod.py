"""divmod and a loop-free check, padding added to the input first."""


def output_size(n, f, p=0, s=1, d=1):
    if min(f, s, d) < 1 or p < 0:
        raise ValueError(f"invalid F={f}, S={s}, d={d}, P={p}")
    padded = n + 2 * p
    extent = d * (f - 1) + 1
    if extent > padded:
        raise ValueError(f"filter extent {extent} > padded input {padded} (N={n}, P={p})")
    steps, rest = divmod(padded - extent, s)
    if rest:
        raise ValueError(f"N={n}, F={f}, P={p}, S={s}, d={d}: {steps + 1 + rest / s:.2f} positions")
    return steps + 1
