"""Grading tools for the course: the ``in5400`` command and everything behind it.

``cli.py`` is the command; ``grading/`` grades a class (``in5400 grade``),
``sandbox/`` is where student code runs, ``nbgrader_plugins/`` configures and
extends nbgrader, ``student/`` holds ``in5400 check``. See docs/architecture.md.
"""

import sys

# nbformat validates notebooks with jsonschema, whose format checker imports rfc3987_syntax
# when it is installed; that module builds some 35 Earley parsers for the "iri" format at
# import time (about 2.4 s per process, in every grader and nbgrader process). No notebook
# schema uses that format: with the module marked missing, jsonschema leaves it unchecked.
sys.modules.setdefault("rfc3987_syntax", None)
