"""A pre-warmed process that forks re-check sandboxes on request.

Starting Python and importing numpy and torch takes seconds; forking a process
that has already done so takes milliseconds. The zygote imports the heavy
libraries (and nothing of the grader's: no solutions, no results), then waits on
a Unix socket. For each request it receives the two pipe ends of a new sandbox,
forks, and sends back the child's process id; the child becomes a
``sandbox_worker`` (it enters the sandbox before any student code runs).

Started as ``python -m autograder.sandbox_zygote FD`` with the sandbox's
environment (scratch root, memory cap, user).
"""

from __future__ import annotations

import os
import signal
import socket
import sys

PRELOAD = (
    "numpy",
    "torch",
    "matplotlib",
    "matplotlib.pyplot",
    "in5400lib.testing",
    "in5400lib.plotting",
)


def preload() -> None:
    import importlib

    os.environ.setdefault("MPLBACKEND", "Agg")
    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except ImportError:
            pass


def serve(channel: socket.socket) -> None:
    from autograder.sandbox_worker import run_worker

    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped automatically
    while True:
        try:
            message, fds, _, _ = socket.recv_fds(channel, 64, 2)
        except OSError:
            return
        if not message or len(fds) != 2:
            return
        pid = os.fork()
        if pid == 0:
            channel.close()
            os.setsid()
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            try:
                run_worker(fds[0], fds[1])
            finally:
                os._exit(0)
        for fd in fds:
            os.close(fd)
        channel.sendall(f"{pid}\n".encode())


def main(argv: list[str]) -> None:
    channel = socket.socket(fileno=int(argv[1]))
    preload()
    channel.sendall(b"ready\n")
    serve(channel)


if __name__ == "__main__":
    main(sys.argv)
