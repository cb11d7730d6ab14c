"""The re-check's sandbox worker, seen from the grader: start it, send calls, read replies.

A ``Sandbox`` is a worker (``autograder.sandbox.worker``) forked from a zygote
(``autograder.sandbox.zygote_client``) that holds the student's answer cells, run after
the solution's setup code, for one guard policy (``autograder.sandbox.guard``). It
restarts itself when it dies, leaving out an answer cell that hung or killed it, and
turns each call of a student's function into a message and the reply back into a value
or the exception the function raised.
"""

from __future__ import annotations

import builtins
import os
import select
import time
from typing import Any

from autograder.grading.recheck_modules import copy_argument_states, first_opaque
from autograder.notebook import Cells
from autograder.sandbox import wire
from autograder.sandbox.guard_policy import Policy, zygote_key
from autograder.sandbox.zygote_client import Zygote, ZygoteError, kill_child
from autograder.settings import SCRATCH_ROOT_ENV

#: Exceptions a student's function may raise that the tests look for by type.
KNOWN_ERRORS = {
    name: getattr(builtins, name)
    for name in (
        "ValueError",
        "TypeError",
        "IndexError",
        "KeyError",
        "ZeroDivisionError",
        "AssertionError",
        "NotImplementedError",
        "RuntimeError",
        "AttributeError",
        "NameError",
        "RecursionError",
        "MemoryError",
    )
}


#: Seconds the sandbox may take to start Python and run the solution's setup code.
STARTUP_TIMEOUT = 180


class Unverifiable(Exception):
    """The re-check cannot judge this test cell (it keeps nbgrader's result)."""


class SandboxGone(RuntimeError):
    """The sandbox process died or did not answer in time."""


class Sandbox:
    """A sandbox worker holding the student's answer cells; restarts itself when it dies.

    With a ``policy`` it is forked from a zygote guarded by that policy and serves the
    names that the ``own`` answer cells define (all of them if ``own`` is None).
    """

    def __init__(
        self,
        cells: Cells,
        env: dict[str, str],
        cell_timeout: float,
        policy: Policy | None = None,
        own: set[str] | None = None,
    ) -> None:
        self.cells = cells
        self.env = env
        self.cell_timeout = cell_timeout
        self.policy = policy or Policy()
        self.own = own
        self.test_classes: dict[str, str] = {}  # class name -> source, from the test cells
        self.defined: set[str] = set()  # the test classes this worker has been given
        self.opaque_notes: list[str] = []
        self.skipped: dict[int, str] = {}  # answer cells left out: they hung or killed the worker
        self.cell_errors: dict[str, str] = {}  # answer grade_id -> the error that stopped it
        self.printed: dict[str, str] = {}  # answer grade_id -> what it printed (own cells)
        self.trouble: list[str] = []  # calls that hung or killed the worker
        self.names: dict[str, str] = {}
        self.values: dict[str, Any] = {}
        self.opaque_count = 0
        self.pid: int | None = None
        self.start()

    # -- process management
    def start(self) -> None:
        for _ in range(len(self.cells.answers) + 1):
            answers = [a for i, a in enumerate(self.cells.answers) if i not in self.skipped]
            kept = [i for i in range(len(self.cells.answers)) if i not in self.skipped]
            self._spawn()
            self.defined = set()
            try:
                init = {"setup": self.cells.setup, "answers": answers}
                init["notebook"] = self.cells.notebook
                init["own"] = None if self.own is None else sorted(self.own)
                if self.policy:
                    exercise = " and ".join(
                        g for g, _ in self.cells.answers if self.own is None or g in self.own
                    )
                    init["guard"] = {**self.policy.to_json(), "exercise": exercise}
                self._send(init, [self.cells.notebook_bytes])
                self._initialise(kept)
                return
            except SandboxGone as gone:
                index = getattr(gone, "index", None)
                self.close()
                if index is None:
                    raise
                self.skipped[kept[index]] = str(gone)
        raise SandboxGone("the answer cells could not be run")

    def _spawn(self) -> None:
        to_child_read, to_child_write = os.pipe()
        from_child_read, from_child_write = os.pipe()
        try:
            zygote = Zygote.shared(self.env, zygote_key(self.policy))
            scratch = self.env.get(SCRATCH_ROOT_ENV, "")
            self.pid = zygote.fork("worker", [to_child_read, from_child_write], scratch=scratch)
        except (OSError, ZygoteError) as error:
            raise SandboxGone(f"no sandbox: {error}") from None
        finally:
            os.close(to_child_read)
            os.close(from_child_write)
        self.write_fd, self.read_fd = to_child_write, from_child_read

    def _initialise(self, kept: list[int]) -> None:
        current = None
        while True:
            # Before the first answer cell the worker starts Python and runs the setup code.
            timeout = self.cell_timeout if current is not None else STARTUP_TIMEOUT
            header, blobs = self._receive(timeout, index=current)
            event = header.get("event")
            if event == "start":
                current = int(header["index"])
            elif event == "end":
                answer = self.cells.answers[kept[current]][0]
                if header.get("error"):
                    self.cell_errors[answer] = str(header["error"])
                if self.own is None or answer in self.own:
                    self.printed[answer] = str(header.get("printed", ""))
                current = None
            elif event == "ready":
                self.names = {str(k): str(v) for k, v in header["names"].items()}
                self.values = wire.decode(header["value"], blobs)
                return
            else:
                raise SandboxGone(f"unexpected message {str(header)[:80]}")

    def close(self) -> None:
        if self.pid is not None:
            kill_child(self.pid)
            self.pid = None
            for fd in (self.write_fd, self.read_fd):
                try:
                    os.close(fd)
                except OSError:
                    pass

    # -- messages
    def _send(self, header: dict[str, Any], blobs: list[bytes]) -> None:
        try:
            with os.fdopen(os.dup(self.write_fd), "wb") as stream:
                wire.send(stream, header, blobs)
        except (BrokenPipeError, OSError) as error:
            raise SandboxGone(f"the sandbox is gone ({error})") from None

    def _receive(self, timeout: float, index: int | None = None):
        deadline = time.monotonic() + timeout
        reader = _DeadlineReader(self.read_fd, deadline)
        try:
            return wire.receive(reader)
        except (EOFError, TimeoutError, wire.WireError) as error:
            gone = SandboxGone(
                "did not finish in time" if isinstance(error, TimeoutError) else "the process died"
            )
            gone.index = index
            raise gone from None

    def run_here(self, cells: list[tuple[str, str]]) -> dict[str, str | None]:
        """Run test cells in the worker, among the answers (untrusted: for comparison only);
        ``{grade_id: error or None}``. Raises ``SandboxGone`` if a cell hangs or kills it."""
        if self.pid is None:
            self.start()
        self._send({"run": [list(cell) for cell in cells]}, [])
        errors: dict[str, str | None] = {}
        for _ in cells:
            header, _ = self._receive(self.cell_timeout)
            errors[str(header["grade_id"])] = header.get("error")
        return errors

    def call(self, name: str, args: tuple, kwargs: dict[str, Any], forbid: bool) -> Any:
        classes: set[str] = set()
        try:
            blob = wire.pack_call(args, kwargs, classes)
        except Exception as error:  # noqa: BLE001 - e.g. an object pickle cannot handle
            raise Unverifiable(f"cannot send the arguments of {name}: {error}") from None
        if self.pid is None:
            self.start()
        new = sorted(c for c in classes if c in self.test_classes and c not in self.defined)
        self.defined.update(new)
        define = [self.test_classes[c] for c in new]
        self._send({"name": name, "forbid": forbid, "define": define}, [blob])
        try:
            reply, blobs = self._receive(self.cell_timeout)
        except SandboxGone as gone:
            self.close()
            self.trouble.append(f"{name}(...) {gone}")
            raise TimeoutError(f"{name}(...) {gone}") from None
        if "unverifiable" in reply:
            raise Unverifiable(str(reply["unverifiable"]))
        if "error" in reply:
            error = reply["error"]
            kind = KNOWN_ERRORS.get(error.get("type"), RuntimeError)
            if error.get("type") == "ForbiddenCallError":
                from in5400lib.testing import ForbiddenCallError

                kind = ForbiddenCallError
            message = (
                error.get("message", "") if kind is not RuntimeError else error.get("detail", "")
            )
            raise kind(message)
        value, modules = wire.decode(reply["value"], blobs)
        copy_argument_states([*args, *kwargs.values()], modules)
        opaque = first_opaque(value)
        if opaque is not None:
            self.opaque_count += 1
            why = f" ({opaque.why})" if opaque.why else ""
            self.opaque_notes.append(f"{name}(...) returned a {opaque.type_name}{why}")
        return value


class _DeadlineReader:
    """A binary stream over a file descriptor whose reads fail after a deadline."""

    def __init__(self, fd: int, deadline: float) -> None:
        self.fd, self.deadline = fd, deadline

    def read(self, size: int) -> bytes:
        remaining = self.deadline - time.monotonic()
        if remaining <= 0 or not select.select([self.fd], [], [], remaining)[0]:
            raise TimeoutError
        return os.read(self.fd, min(size, 1 << 20))
