"""Sums the whole input times the centre weight: a 1x1 answer."""
Z_BY_HAND = [[33]]
