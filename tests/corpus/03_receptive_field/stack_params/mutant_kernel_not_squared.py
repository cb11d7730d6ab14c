"""Uses F weights per kernel instead of F * F."""


def stack_params(kernel_sizes, channels):
    return sum(kernel_sizes) * channels * channels
