"""Forgets the input channels: F^2 F_c weights per layer instead of F^2 F_c^2."""


def stack_params(kernel_sizes, channels):
    return sum(f * f for f in kernel_sizes) * channels
