"""Interactive explorers for the notebooks (ipywidgets + matplotlib).

One module per explorer; each exposes one function that builds the widget and returns
it (the notebook cell ends with that call, so Jupyter displays it). Explorers are used
in demonstration cells only, never in graded cells. They share the conventions in
``in5400lib.explorers.base``: a CSS class that tests find them by, controls that keep
their values when the cell is re-run, and no drawing when the notebook runs headless.
"""
