"""One arithmetic slip in the top-right entry."""
Z_BY_HAND = [[27, 32],
             [28, 27]]
