"""Grading tools for the course: the ``in5400`` command and everything behind it.

``cli.py`` is the command; ``grading/`` grades a class (``in5400 grade``),
``sandbox/`` is where student code runs, ``nbgrader_plugins/`` configures and
extends nbgrader, ``student/`` holds ``in5400 check``. See docs/architecture.md.
"""
