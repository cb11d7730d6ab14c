"""Start an IPython kernel for a student's notebook inside the sandbox.

The grader installs a kernelspec named ``python3`` whose command is
``python -m autograder.sandbox_kernel -f {connection_file}``. It enters the
sandbox (``autograder.sandbox``) with a copy of the student's submitted
notebook only, then turns into an ordinary ipykernel with ``exec`` (same
process id, so nbclient's interrupts and time-outs still work).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from autograder.sandbox import enter_sandbox


def submitted_copy(autograded_dir: Path) -> list[Path]:
    """The student's submitted notebooks for the autograded folder the kernel starts in.

    nbgrader runs a notebook in ``<course>/autograded/<student>/<assignment>/``; the
    untouched submission is in ``<course>/submitted/<student>/<assignment>/``.
    """
    parts = autograded_dir.parts
    if "autograded" not in parts:
        return []
    index = len(parts) - 1 - parts[::-1].index("autograded")
    submitted = Path(*parts[:index], "submitted", *parts[index + 1 :])
    return sorted(submitted.glob("*.ipynb"))


def main(argv: list[str]) -> None:
    connection_file = Path(argv[argv.index("-f") + 1])
    _, (connection,) = enter_sandbox(submitted_copy(Path.cwd()), [connection_file])
    python = sys.executable
    os.execv(python, [python, "-m", "ipykernel_launcher", "-f", str(connection)])


if __name__ == "__main__":
    main(sys.argv)
