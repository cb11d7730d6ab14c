"""Explicit loop over layers, output channels and input channels."""


def stack_params(kernel_sizes, channels):
    total = 0
    for f in kernel_sizes:
        for _ in range(channels):  # output channels
            total += channels * f**2  # one F x F kernel per input channel
    return total
