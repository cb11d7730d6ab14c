"""Helper library for the IN5400 lecture 5 notebooks (convolutional neural networks).

Plumbing only: data loading, plotting, test helpers, fast reference code used
*after* an exercise, and tools such as the receptive-field calculator. It never
contains the answer to a graded exercise.
"""

__version__ = "0.1.0"
