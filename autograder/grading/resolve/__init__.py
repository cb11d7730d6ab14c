"""What answer cells name: qualified names resolved from their source, without running it.

The grader reads the setup cells and every answer cell with ``ast`` and resolves
the qualified names each answer cell reaches:

* imports and aliases (``import torch.nn.functional as F``, ``from x import y as z``);
* names bound by assignment (``c = conv.conv2d``), attribute chains, containers;
* ``getattr``/``setattr``, ``__import__``, ``importlib.import_module``,
  ``operator.attrgetter``, ``eval``/``exec``/``compile`` with literal strings
  (also strings the grader can compute: ``"con" + "v2d"``, ``"".join([...])``),
  ``globals()[...]``, ``vars(module)[...]``, ``module.__dict__[...]``,
  ``sys.modules[...]`` with literal keys;
* names bound in one answer cell or a setup cell and used in another, and the
  bodies of the functions and classes a graded cell calls or names, wherever
  they are defined (another answer cell, a setup cell, the same cell),
  transitively.

What it cannot resolve is reported as *dynamic access* (``getattr`` with a
computed name, ``exec`` of a built string, ``sys.modules`` or ``globals()`` as a
whole, frame and ``__globals__`` tricks, ``gc``, ``ctypes``, ``inspect``...).
``autograder.grading.policy`` judges the names against the course's policy.

The parts: ``rules`` (what counts as dynamic, the special functions), ``values`` (what
a name may hold, findings, scopes), ``syntax`` (parsing cells, the names a body binds),
``strings`` (strings computed without running code), ``base`` (state and recording),
``statements``, ``expressions`` and ``calls`` (one kind of node each), ``resolver``
(the cells of one notebook, ``analyse``).
"""

from autograder.grading.resolve.resolver import Resolver, analyse
from autograder.grading.resolve.rules import under
from autograder.grading.resolve.syntax import parse_cell, without_magics
from autograder.grading.resolve.values import Finding, Findings

__all__ = [
    "Finding",
    "Findings",
    "Resolver",
    "analyse",
    "parse_cell",
    "under",
    "without_magics",
]
