"""The grader's side of the zygote (``sandbox.zygote``): start one, ask it for sandboxes."""

from __future__ import annotations

import atexit
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path


class ZygoteError(RuntimeError):
    """The zygote could not be started or did not answer."""


def request_fork(path: str, kind: str, fds: list[int], **info) -> int:
    """Ask the zygote listening at ``path`` for a child; return its process id."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
        connection.connect(path)
        socket.send_fds(connection, [json.dumps({"kind": kind, **info}).encode()], fds)
        reply = connection.makefile("rb").readline().strip()
    if not reply.isdigit():
        raise ZygoteError("the sandbox zygote did not fork")
    return int(reply)


def kill_child(pid: int) -> None:
    """Kill a child that leads its own session (a forked sandbox, the zygote, nbgrader) and
    everything it started; a child that is already gone is no error."""
    for kill in (lambda: os.killpg(pid, signal.SIGKILL), lambda: os.kill(pid, signal.SIGKILL)):
        try:
            kill()
            return
        except (ProcessLookupError, PermissionError):
            continue


class Zygote:
    """Pre-warmed zygotes per grader process: one per sandbox environment and guard policy
    (``autograder.sandbox.guard``; the unguarded one also starts the notebook kernels)."""

    _instances: dict[str, Zygote] = {}

    def __init__(self, env: dict[str, str], policy: str = "") -> None:
        self.env, self.policy = env, policy
        self.folder = Path(tempfile.mkdtemp(prefix="in5400-zygote-"))  # mode 0700
        self.path = str(self.folder / "socket")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "autograder.sandbox.zygote", self.path]
            + ([policy] if policy else []),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
            start_new_session=True,
        )
        ready = self.process.stdout.readline().decode(errors="replace")
        try:
            if not ready.startswith("ready "):
                raise ValueError(ready)
            report = json.loads(ready[len("ready ") :])
            self.unhidden: str = report["unhidden"]  # why the secrets are visible, or ""
            self.modules = frozenset(report["modules"])  # what its preload imported
        except (ValueError, KeyError, TypeError):
            self.stop()
            raise ZygoteError("the sandbox zygote did not start") from None
        atexit.register(self.stop)

    @classmethod
    def shared(cls, env: dict[str, str], policy: str = "") -> Zygote:
        """The zygote for ``env`` and ``policy`` (a guard policy as JSON, "" for none)."""
        zygote = cls._instances.get(policy)
        if zygote is None or zygote.env != env or zygote.process.poll() is not None:
            if zygote is not None:
                zygote.stop()
            zygote = cls._instances[policy] = cls(env, policy)
        return zygote

    def fork(self, kind: str, fds: list[int], **info) -> int:
        return request_fork(self.path, kind, fds, **info)

    def stop(self) -> None:
        if self.process.poll() is None:
            kill_child(self.process.pid)
            self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)
