"""The grader's side of the zygote (``sandbox.zygote``): start one, ask it for sandboxes."""

from __future__ import annotations

import json
import multiprocessing.util
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
    """Ask the zygote listening at ``path`` for a child; return its process id. ``scratch``
    in ``info``: the folder to make the child's scratch directory in (the zygote's
    ``$IN5400_SCRATCH_ROOT`` if not given)."""
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
    """Pre-warmed zygotes per grading run: one per sandbox environment and guard policy
    (``autograder.sandbox.guard``; the unguarded one also starts the notebook kernels).

    A zygote belongs to the process that started it, which stops it at exit. The grading
    workers that process forks use its zygotes too, and so do those it spawns (``addresses``,
    ``attach``); each asks for its children to work in its own scratch folder.
    """

    _instances: dict[str, Zygote] = {}

    def __init__(self, env: dict[str, str], policy: str = "") -> None:
        """Start a zygote; it is ready to fork about 2 s later (``ready``), and this process
        can do other work meanwhile."""
        self.env, self.policy, self.owner = env, policy, os.getpid()
        self.folder = Path(tempfile.mkdtemp(prefix="in5400-zygote-"))  # mode 0700
        self.path = str(self.folder / "socket")
        self.process: subprocess.Popen | None = subprocess.Popen(
            [sys.executable, "-m", "autograder.sandbox.zygote", self.path]
            + ([policy] if policy else []),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
            start_new_session=True,
        )
        self.pid = self.process.pid
        self.report: dict | None = None  # what it says when it is ready (``ready``)
        # At exit of this process only, a forked multiprocessing worker included.
        multiprocessing.util.Finalize(None, self.stop, exitpriority=0)

    def ready(self) -> dict:
        """Wait until the zygote can fork; return its report: ``unhidden``, why the secrets
        are visible ("" if they are hidden), and ``modules``, what its preload imported."""
        if self.report is None:
            line = self.process.stdout.readline().decode(errors="replace")
            try:
                if not line.startswith("ready "):
                    raise ValueError(line)
                report = json.loads(line[len("ready ") :])
                self.report = {"unhidden": report["unhidden"], "modules": report["modules"]}
            except (ValueError, KeyError, TypeError):
                self.stop()
                raise ZygoteError("the sandbox zygote did not start") from None
        return self.report

    @property
    def modules(self) -> frozenset[str]:
        return frozenset(self.ready()["modules"])

    @classmethod
    def shared(cls, env: dict[str, str], policy: str = "") -> Zygote:
        """The zygote for ``env`` and ``policy`` (a guard policy as JSON, "" for none): this
        process's own, or the one it was given by the process that spawned it (``attach``)."""
        zygote = cls._instances.get(policy)
        if zygote is None or not zygote.alive() or (zygote.owned() and zygote.env != env):
            if zygote is not None:
                zygote.stop()
            zygote = cls._instances[policy] = cls(env, policy)
        return zygote

    def address(self) -> dict:
        """What another grading process needs to use this zygote (``attach``), as JSON data."""
        return {"policy": self.policy, "path": self.path, "pid": self.pid, **self.ready()}

    @classmethod
    def addresses(cls) -> list[dict]:
        """The addresses of the running zygotes this process started, for ``attach``."""
        found = []
        for zygote in list(cls._instances.values()):
            if zygote.owned() and zygote.alive():
                try:
                    found.append(zygote.address())
                except ZygoteError:  # it did not start: the workers start their own
                    continue
        return found

    @classmethod
    def attach(cls, addresses: list[dict]) -> None:
        """Use the zygotes at ``addresses`` (another process's, same grading run) for the
        policies this process has no zygote of its own for."""
        for address in addresses:
            current = cls._instances.get(address["policy"])
            if current is not None and current.owned() and current.alive():
                continue
            zygote = cls.__new__(cls)
            zygote.env, zygote.policy, zygote.owner = {}, address["policy"], None
            zygote.folder, zygote.process = None, None
            zygote.path, zygote.pid = address["path"], int(address["pid"])
            zygote.report = {k: address[k] for k in ("unhidden", "modules")}
            cls._instances[zygote.policy] = zygote

    def owned(self) -> bool:
        return self.owner == os.getpid()

    def alive(self) -> bool:
        if self.process is not None and self.owned():
            return self.process.poll() is None
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            pass
        return True

    def fork(self, kind: str, fds: list[int], **info) -> int:
        self.ready()
        return request_fork(self.path, kind, fds, **info)

    def stop(self) -> None:
        """Stop the zygote if this process started it (another's is only forgotten)."""
        if not self.owned() or self.process is None:
            return
        if self.process.poll() is None:
            kill_child(self.process.pid)
            self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)
