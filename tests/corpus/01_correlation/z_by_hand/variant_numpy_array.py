"""The right numbers as a numpy array."""
import numpy as np

Z_BY_HAND = np.array([[27.0, 33.0], [28.0, 27.0]])
