"""Tools students run on their own notebooks (``in5400 check``)."""
