"""int() of the float formula after a divmod parity check."""


def same_padding(f):
    half, odd = divmod(f, 2)
    if not odd:
        raise ValueError(f"no symmetric same padding for F = {f}")
    return int((f - 1) / 2)
