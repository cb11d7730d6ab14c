"""Set up where grading happens: private folders, the sandbox account, its environment.

* ``prepare`` builds (once per version of the solutions) the template gradebook
  every batch copies, and installs the ``python3`` kernelspec that starts
  kernels in the sandbox (``autograder.sandbox.kernel``);
* ``sandbox_user_usable`` decides whether student code can run as another account;
* ``grading_environment`` and ``sandbox_environment`` are the variables nbgrader,
  the kernels and the re-check sandboxes start with;
* ``start_zygote`` starts (once per process and environment) the pre-warmed zygote;
* ``one_thread`` keeps this process's own torch at one thread (one grading job, one core).
"""

from __future__ import annotations

import contextlib
import functools
import json
import multiprocessing.util
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from autograder.course import solutions_dir
from autograder.grading.keys import solutions_key
from autograder.grading.results import write_atomic
from autograder.nbgrader_plugins.run import generate_assignment, make_course_dir
from autograder.sandbox.guard_policy import use_preloaded
from autograder.sandbox.zygote_client import Zygote, ZygoteError
from autograder.settings import (
    FAST_ENV,
    HIDE_ENV,
    MEMORY_ENV,
    ONE_THREAD_ENV,
    SANDBOX_USER_ENV,
    SCRATCH_ROOT_ENV,
    STATUS_DIR_ENV,
    THREADS_ENV,
    Settings,
)


@contextlib.contextmanager
def one_thread() -> Iterator[None]:
    """Run the block with torch at one thread in this process, as the kernels and sandboxes
    are (the re-check runs the solution's setup and test code here: ``seed_everything``
    reads ``IN5400_THREADS``); the thread count and the variable are restored after."""
    from unittest import mock

    from in5400lib.timing import torch_threads

    with torch_threads(1), mock.patch.dict(os.environ, {THREADS_ENV: "1"}):
        yield


def private_dir(path: Path) -> Path:
    """Create ``path`` readable by its owner only (the sandbox user cannot look inside)."""
    path.mkdir(parents=True, exist_ok=True)
    os.chmod(path, stat.S_IRWXU)
    return path


def prepare(settings: Settings, names: list[str]) -> Path:
    """Build (once per solutions version) the template gradebook and the sandbox kernelspec.

    Shards of a job array share ``OUT`` and may build the template at the same time:
    each builds in a folder of its own and the first to finish renames it into place.
    """
    key = solutions_key(names)
    template = settings.work / f"template-{key}"
    if not (template / "gradebook.db").exists():
        private_dir(settings.work)
        build = Path(tempfile.mkdtemp(dir=settings.work, prefix=f"template-{key}.building-"))
        make_course_dir(build)
        generate_assignment(build, [solutions_dir() / f"{name}.ipynb" for name in names])
        shutil.rmtree(build / "release", ignore_errors=True)
        try:
            os.rename(build, template)
        except OSError:  # another shard's template is already in place
            shutil.rmtree(build, ignore_errors=True)
    kernels = settings.work / "kernels" / "python3"
    kernels.mkdir(parents=True, exist_ok=True)
    spec = {
        "argv": [sys.executable, "-m", "autograder.sandbox.kernel", "-f", "{connection_file}"],
        "display_name": "Python 3 (grading sandbox)",
        "language": "python",
    }
    write_atomic(kernels / "kernel.json", json.dumps(spec, indent=1))
    return template


def sandbox_user_usable(user: str) -> bool:
    """Whether student kernels can run as ``user``: we are root and it can import the stack."""
    if not user or os.geteuid() != 0:
        return False
    import pwd

    try:
        entry = pwd.getpwnam(user)
    except KeyError:
        return False

    try:
        probe = subprocess.run(
            [sys.executable, "-c", "import ipykernel, numpy, in5400lib"],
            user=entry.pw_uid,
            group=entry.pw_gid,
            extra_groups=[],
            cwd="/",
            capture_output=True,
            env={**os.environ, "HOME": "/tmp"},
            timeout=120,
        )
    except OSError:  # e.g. the interpreter lives in a folder that user cannot enter
        return False
    return probe.returncode == 0


def process_scratch_root(shared_with_sandbox_user: bool) -> Path:
    """This grading process's folder for its sandboxes' scratch directories, removed when it
    exits. A grading worker forked from this process gets a folder of its own."""
    return _scratch_root(os.getpid(), shared_with_sandbox_user)


@functools.cache
def _scratch_root(pid: int, shared_with_sandbox_user: bool) -> Path:
    root = Path(tempfile.mkdtemp(prefix="in5400-scratch-"))
    if shared_with_sandbox_user:
        os.chmod(root, 0o1777)
    # Run at exit by this process only, a forked multiprocessing worker included (which
    # leaves without running ``atexit``'s functions).
    multiprocessing.util.Finalize(None, shutil.rmtree, args=(root, True), exitpriority=0)
    return root


@functools.cache
def _environment_at_start() -> dict[str, str]:
    # Libraries add variables to os.environ as they go (torch sets TORCHINDUCTOR_CACHE_DIR
    # when a test first uses an optimizer); the sandboxes' environment must not follow them,
    # or every change would start a new zygote.
    return dict(os.environ)


def grading_environment(
    settings: Settings, scratch_root: Path, status_dir: Path | None, sandbox_user: str
) -> dict[str, str]:
    """Environment for nbgrader and the sandboxes (which remove the grader's own variables)."""
    return {
        "JUPYTER_PATH": str(settings.work),  # our kernels/python3 comes first
        STATUS_DIR_ENV: str(status_dir or ""),
        SCRATCH_ROOT_ENV: str(scratch_root),
        MEMORY_ENV: str(settings.memory_bytes),
        SANDBOX_USER_ENV: sandbox_user,
        FAST_ENV: "1",
        "PYTHONHASHSEED": "0",
        **ONE_THREAD_ENV,
        "MPLBACKEND": "Agg",
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        HIDE_ENV: os.pathsep.join(settings.secrets),
    }


def sandbox_environment(
    settings: Settings, scratch_root: Path, sandbox_user: str
) -> dict[str, str]:
    """The environment the zygote, and so every kernel and re-check sandbox, starts with."""
    return {
        **_environment_at_start(),
        **grading_environment(settings, scratch_root, None, sandbox_user),
    }


def start_zygote(settings: Settings, scratch_root: Path, sandbox_user: str) -> str:
    """The socket of this process's pre-warmed sandbox zygote, once it is ready ("" if it
    cannot start)."""
    try:
        zygote = Zygote.shared(sandbox_environment(settings, scratch_root, sandbox_user))
        use_preloaded(zygote.modules)  # what the guard's policies need to know, found for free
    except (OSError, ZygoteError):
        return ""  # without one, kernels start the slow way
    return zygote.path
