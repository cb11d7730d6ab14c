"""Counts a bias per output channel as well."""


def stack_params(kernel_sizes, channels):
    return sum(f * f * channels * channels + channels for f in kernel_sizes)
