"""Returns F - 1 (the total padding, not per side)."""


def same_padding(f):
    if f % 2 == 0:
        raise ValueError("even filter size")
    return f - 1
