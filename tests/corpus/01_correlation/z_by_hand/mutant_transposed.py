"""Reads the result column by column (transposed)."""
Z_BY_HAND = [[27, 28],
             [33, 27]]
