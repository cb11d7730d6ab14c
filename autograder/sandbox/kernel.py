"""Start an IPython kernel for a student's notebook inside the sandbox.

The grader installs a kernelspec named ``python3`` whose command is
``python -m autograder.sandbox.kernel -f {connection_file} ...``. When the
grader runs a zygote (``$IN5400_ZYGOTE``), this process asks it for a
pre-warmed kernel and stays as its stand-in for nbclient: it forwards signals
(interrupts) to the kernel and exits when the kernel exits; the kernel exits
when this process disappears. Otherwise it enters the sandbox itself and
``exec``s an ordinary ipykernel (same process id, so interrupts still work).
"""

from __future__ import annotations

import os
import select
import signal
import sys
import threading
import time
from pathlib import Path

from autograder.sandbox.fence import enter_sandbox
from autograder.sandbox.hide import shield_this_process
from autograder.sandbox.zygote_client import ZygoteError, request_fork
from autograder.sandbox.zygote_protocol import MAX_FDS
from autograder.settings import SCRATCH_ROOT_ENV, SOCKET_ENV

FORWARDED_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT)


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


def run_kernel(
    connection_file: str,
    extra: list[str] = (),
    watch_pid: int | None = None,
    contents: dict[str, bytes] | None = None,
) -> None:
    """Enter the sandbox and run an IPython kernel in this process (used in zygote children);
    ``contents`` are the submitted notebooks, read by the stand-in (they may be hidden here)."""
    _, (connection,) = enter_sandbox(keep_files=[Path(connection_file)], contents=contents)
    if watch_pid is not None:
        threading.Thread(target=_exit_with, args=(watch_pid,), daemon=True).start()
    from ipykernel.kernelapp import IPKernelApp

    IPKernelApp.launch_instance(argv=["-f", str(connection), *extra])


def _exit_with(pid: int) -> None:
    while True:
        time.sleep(0.5)
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            os._exit(1)


def stand_in(pid: int) -> None:
    """Forward signals to the forked kernel ``pid`` and return once it has exited."""
    for number in FORWARDED_SIGNALS:
        signal.signal(number, lambda received, _frame: _forward(pid, received))
    handle = os.pidfd_open(pid)
    while True:
        try:
            if select.select([handle], [], [])[0]:
                return
        except InterruptedError:
            continue


def _forward(pid: int, number: int) -> None:
    try:
        os.kill(pid, number)
    except ProcessLookupError:
        pass


def main(argv: list[str]) -> None:
    connection_file = argv[argv.index("-f") + 1]
    extra = [a for i, a in enumerate(argv[1:], 1) if a != "-f" and argv[i - 1] != "-f"]
    path = os.environ.get(SOCKET_ENV)
    if path:
        shield_this_process()  # this process sees the secrets; the kernel will not
        submitted = submitted_copy(Path.cwd())[: MAX_FDS - 3]
        handles = [open(p, "rb") for p in submitted]  # noqa: SIM115 - passed on, then closed
        try:
            pid = request_fork(
                path,
                "kernel",
                [0, 1, 2, *(h.fileno() for h in handles)],
                cwd=os.getcwd(),
                scratch=os.environ.get(SCRATCH_ROOT_ENV, ""),
                connection_file=connection_file,
                wrapper_pid=os.getpid(),
                extra=extra,
                files=[p.name for p in submitted],
            )
        except (OSError, ZygoteError):
            pid = None
        finally:
            for handle in handles:
                handle.close()
        if pid is not None:
            stand_in(pid)
            return
    _, (connection,) = enter_sandbox(submitted_copy(Path.cwd()), [Path(connection_file)])
    python = sys.executable
    os.execv(python, [python, "-m", "ipykernel_launcher", "-f", str(connection), *extra])


if __name__ == "__main__":
    main(sys.argv)
