"""Returns a float (F - 1) / 2."""


def same_padding(f):
    if f % 2 == 0:
        raise ValueError("even filter size")
    return (f - 1) / 2
