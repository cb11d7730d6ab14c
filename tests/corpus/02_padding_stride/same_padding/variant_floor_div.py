"""F // 2 after the parity check."""


def same_padding(f):
    if f % 2 != 1:
        raise ValueError(f"F = {f} is even")
    return f // 2
