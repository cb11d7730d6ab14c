"""Returns F // 2 for every F instead of raising for even F."""


def same_padding(f):
    return f // 2
