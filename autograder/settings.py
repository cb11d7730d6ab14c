"""How to grade: every default of the grader, and the names of its environment variables.

``Settings`` holds the limits, parallelism and output folder of one grading run;
``in5400 grade`` takes its option defaults from the fields here. The ``*_ENV``
constants are every ``IN5400_*`` variable the grader sets or reads; the sandbox
removes the private ones (``PRIVATE_ENV``) before student code runs.

This module imports nothing heavy: the sandbox imports it before student code runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

# --------------------------------------------------------------------- environment names

#: The course checkout the grader reads solutions and notebooks from.
COURSE_ROOT_ENV = "IN5400_COURSE_ROOT"
#: Folder where the guarded executor writes each notebook's status (``ok``/``timeout``/...).
STATUS_DIR_ENV = "IN5400_STATUS_DIR"
#: Folder in which every sandbox makes its scratch directory.
SCRATCH_ROOT_ENV = "IN5400_SCRATCH_ROOT"
#: Memory cap (bytes) of each sandboxed process.
MEMORY_ENV = "IN5400_KERNEL_MEMORY"
#: The account student code runs as, when the grader runs as root.
SANDBOX_USER_ENV = "IN5400_SANDBOX_USER"
#: JSON file with the released demonstration cells (not run while grading).
DEMO_CELLS_ENV = "IN5400_DEMO_CELLS"
#: Unix socket of the zygote that forks kernels and re-check workers.
SOCKET_ENV = "IN5400_ZYGOTE"
#: Folders and files the sandboxes see empty, joined by ``os.pathsep`` (``sandbox.hide``).
HIDE_ENV = "IN5400_HIDE"
#: Read by the course's notebooks and ``in5400lib``: smaller demonstrations.
FAST_ENV = "IN5400_FAST"
#: Read by ``in5400lib``'s ``seed_everything``: torch's thread count.
THREADS_ENV = "IN5400_THREADS"
#: One grading job, one core: the grader's processes, kernels and sandboxes each run numpy's
#: and torch's code on one thread (``--jobs`` is the parallelism; idle pool threads would
#: spin on the cores the other jobs use).
ONE_THREAD_ENV = {
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    THREADS_ENV: "1",  # in5400lib's seed_everything()
}

#: Grader variables that student code must not see.
PRIVATE_ENV = (
    STATUS_DIR_ENV,
    SCRATCH_ROOT_ENV,
    MEMORY_ENV,
    SANDBOX_USER_ENV,
    COURSE_ROOT_ENV,
    DEMO_CELLS_ENV,
    SOCKET_ENV,
    HIDE_ENV,
)

# --------------------------------------------------------------------- defaults

#: Seconds a locked setup cell (the course's own imports) may take, if above the cell limit.
SETUP_CELL_TIMEOUT = 120
#: Seconds per cell for ``in5400 check`` (a student's whole notebook, demonstrations included).
CHECK_CELL_TIMEOUT = 120
#: ``in5400 audit``: parallel workers, and audit cases ("students") per nbgrader run.
AUDIT_JOBS = 2
AUDIT_BATCH_SIZE = 16


@dataclass
class Settings:
    """How to grade: limits, parallelism and where to work."""

    out: Path
    jobs: int = 1
    cell_timeout: int = 60
    notebook_timeout: int = 300
    memory_bytes: int = 6 * 2**30
    batch_size: int = 4
    feedback: bool = True
    recheck: bool = True
    #: Only "full marks or not?" is asked (the audit's question): the re-check decides a
    #: result that lost points without the kernel run (which could only take more away),
    #: and nbgrader's results without full marks are not re-checked.
    recheck_only_full_marks: bool = False
    sandbox_user: str = "nobody"
    #: What the sandboxes see empty (``autograder.sandbox.hide``); set by ``grade_class``.
    secrets: tuple[str, ...] = ()

    @property
    def work(self) -> Path:
        return self.out / ".work"
