"""The right numbers as nested tuples."""
Z_BY_HAND = ((27, 33), (28, 27))
