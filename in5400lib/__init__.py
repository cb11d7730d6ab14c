"""Helper library for the IN5400 lecture 5 notebooks (convolutional neural networks).

Data loading, plotting, test helpers, interactive explorers, training loops, and
reference code that the notebooks demonstrate after an exercise: a vectorized
``conv.conv2d``, the receptive-field calculator, the trained reference CNN and
its loaders, gradient visualizations. Some of it computes exactly what an
exercise asks for, so a graded answer may not use it: ``solutions/policy.toml``
says, per exercise, which parts of this library (by default only a few plotting
functions) and which other libraries an answer may use, and ``in5400 grade``
withdraws the points of an answer that uses anything else (status ``shortcut``).
"""

__version__ = "0.1.0"
