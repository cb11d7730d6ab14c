"""What a fork request to the zygote (``autograder.sandbox.zygote``) may carry.

A request is one message on the zygote's Unix socket: a JSON object with the ``kind`` of
child (``worker`` or ``kernel``) and what that child needs, plus up to ``MAX_FDS`` file
descriptors. The zygote (which receives requests) and the kernel's stand-in
(``autograder.sandbox.kernel``, which sends them) both need this limit; it lives here so
that neither imports the other: the zygote turns into a kernel by importing
``autograder.sandbox.kernel`` in the forked child.
"""

from __future__ import annotations

#: File descriptors a request may carry: three standard streams and the submitted notebooks.
MAX_FDS = 16
