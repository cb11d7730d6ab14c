"""Copies the bottom row as it appears in a garbled text copy of the slide."""
Z_BY_HAND = [[27, 33],
             [33, 29]]
