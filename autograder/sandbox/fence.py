"""Fence in a process that will run a student's code, as far as one process can.

Used by the notebook kernel (``autograder.sandbox.kernel``) and by the re-check worker
(``autograder.sandbox.worker``). ``enter_sandbox`` must be called before any student code
runs; it

* moves into a fresh scratch directory (``HOME``, IPython's and matplotlib's
  folders and ``TMPDIR`` there too), optionally with copies of given files;
* removes the grader's own environment variables;
* caps memory (``RLIMIT_AS``), file size and core dumps and, when it changes
  user, the number of processes;
* when started as root and a sandbox user is named, drops to that user, who
  cannot read the grader's working folders (mode 0700).

What it cannot do alone (a container or a separate machine account does): hide
files that are world-readable anyway, limit CPU shares, or cut the network.
"""

from __future__ import annotations

import os
import pwd
import resource
import shutil
import tempfile
from pathlib import Path

from autograder.settings import MEMORY_ENV, PRIVATE_ENV, SANDBOX_USER_ENV, SCRATCH_ROOT_ENV

#: Variables that student code must not see: the grader's own, and nbgrader's marker
#: that tells code it is being autograded.
PRIVATE_PREFIXES = (*PRIVATE_ENV, "NBGRADER_EXECUTION")

#: Run before the student's code: the same seeds and thread count for everyone.
SEED_CODE = """\
import random as _random
_random.seed(0)
import numpy as _np
_np.random.seed(0)
try:
    import torch as _torch
    _torch.manual_seed(0)
    _torch.set_num_threads(1)
except Exception:  # not installed, or forbidden in this re-check worker
    pass
del _random, _np
"""


def enter_sandbox(
    copies: list[Path] = (), keep_files: list[Path] = (), contents: dict[str, bytes] | None = None
) -> tuple[Path, list[Path]]:
    """Enter a fresh scratch directory with the limits from the environment.

    ``copies`` are copied into the scratch directory, ``contents`` (``{file name:
    bytes}``) written there; ``keep_files`` are copied too, and their
    new paths are returned (e.g. a connection file the process needs after it
    has dropped privileges). Returns ``(scratch, kept paths)``.
    """
    scratch_root = os.environ.get(SCRATCH_ROOT_ENV) or tempfile.gettempdir()
    memory = int(os.environ.get(MEMORY_ENV, "0"))
    user_name = os.environ.get(SANDBOX_USER_ENV, "")

    scratch = Path(tempfile.mkdtemp(prefix="sandbox-", dir=scratch_root))
    for path in copies:
        shutil.copy(path, scratch / path.name)
    for name, data in (contents or {}).items():
        (scratch / Path(name).name).write_bytes(data)
    kept = []
    for path in keep_files:
        target = scratch / f".{path.name}"
        shutil.copy(path, target)
        kept.append(target)

    for key in list(os.environ):
        if key.startswith(PRIVATE_PREFIXES):
            del os.environ[key]
    os.environ.update(
        HOME=str(scratch),
        IPYTHONDIR=str(scratch / ".ipython"),
        MPLCONFIGDIR=str(scratch / ".matplotlib"),
        JUPYTER_RUNTIME_DIR=str(scratch / ".runtime"),
        TMPDIR=str(scratch),
        MPLBACKEND="Agg",
    )
    startup = scratch / ".ipython" / "profile_default" / "startup"
    startup.mkdir(parents=True)
    (startup / "00-seed.py").write_text(SEED_CODE)

    user = pwd.getpwnam(user_name) if user_name and os.geteuid() == 0 else None
    if user is not None:
        for path in [scratch, *scratch.rglob("*")]:
            os.chown(path, user.pw_uid, user.pw_gid)
    if memory > 0:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (512 * 2**20, 512 * 2**20))
    os.chdir(scratch)
    if user is not None:
        resource.setrlimit(resource.RLIMIT_NPROC, (512, 512))
        os.setgroups([])
        os.setgid(user.pw_gid)
        os.setuid(user.pw_uid)
    return scratch, kept
