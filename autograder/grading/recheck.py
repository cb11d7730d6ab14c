"""The trusted re-check: run the hidden tests again where the student's code cannot reach them.

In the notebook kernel, student code and tests share one process, so a
submission can rig the tests (patch ``np.testing``, empty later cells, swallow
exceptions...). The re-check therefore

1. runs only the student's answer cells, in a fresh sandboxed interpreter
   (``autograder.sandbox.worker``), after the solution's setup code;
2. runs every test cell of the *solution* (hidden tests included) in the
   grader's own process, where each name the answer cells defined is a proxy:
   calling it sends the arguments to the sandbox and gets plain data back;
3. compares, cell by cell, with what nbgrader awarded.

A cell the re-check fails but nbgrader passed loses its points and the
notebook's status becomes ``tampered``, with the cells and messages in the
detail. A cell it cannot judge (a test that inspects an object that stayed in
the sandbox, such as a returned ``nn.Module``, or an argument that cannot be
sent) keeps nbgrader's points and is named in the detail as not re-checked.
"""

from __future__ import annotations

import builtins
import os
import select
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from autograder.course import solutions_dir
from autograder.grading.environment import sandbox_environment
from autograder.grading.results import Result
from autograder.grading.submission import Submission
from autograder.notebook import Cells, load_cells
from autograder.sandbox import wire
from autograder.sandbox.zygote_client import Zygote, ZygoteError, kill_child
from autograder.settings import Settings

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
    """A sandbox worker holding the student's answer cells; restarts itself when it dies."""

    def __init__(self, cells: Cells, env: dict[str, str], cell_timeout: float) -> None:
        self.cells = cells
        self.env = env
        self.cell_timeout = cell_timeout
        self.skipped: dict[int, str] = {}  # answer cells left out: they hung or killed the worker
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
            try:
                init = {"setup": self.cells.setup, "answers": answers}
                init["notebook"] = self.cells.notebook
                self._send(init, [self.cells.notebook_bytes])
                self._initialise()
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
            self.pid = Zygote.shared(self.env).fork("worker", [to_child_read, from_child_write])
        except (OSError, ZygoteError) as error:
            raise SandboxGone(f"no sandbox: {error}") from None
        finally:
            os.close(to_child_read)
            os.close(from_child_write)
        self.write_fd, self.read_fd = to_child_write, from_child_read

    def _initialise(self) -> None:
        current = None
        while True:
            # Before the first answer cell the worker starts Python and runs the setup code.
            timeout = self.cell_timeout if current is not None else STARTUP_TIMEOUT
            header, blobs = self._receive(timeout, index=current)
            event = header.get("event")
            if event == "start":
                current = int(header["index"])
            elif event == "end":
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

    def call(self, name: str, args: tuple, kwargs: dict[str, Any], forbid: bool) -> Any:
        try:
            blob = wire.pack_call(args, kwargs)
        except Exception as error:  # noqa: BLE001 - e.g. an object pickle cannot handle
            raise Unverifiable(f"cannot send the arguments of {name}: {error}") from None
        if self.pid is None:
            self.start()
        self._send({"name": name, "forbid": forbid}, [blob])
        try:
            reply, blobs = self._receive(self.cell_timeout)
        except SandboxGone as gone:
            self.close()
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
        copy_module_states([*args, *kwargs.values()], modules)
        if _contains_opaque(value):
            self.opaque_count += 1
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


def copy_module_states(arguments: list[Any], states: list[Any]) -> None:
    """Apply to the grader's modules what the sandboxed function did to its copies of them."""
    for value, state in zip(arguments, states, strict=False):
        if state is None or not hasattr(value, "load_state_dict"):
            continue
        value.load_state_dict(state["state"])
        for module, training in zip(value.modules(), state["training"], strict=False):
            module.training = bool(training)
        for parameter, grad in zip(value.parameters(), state["grads"], strict=False):
            parameter.grad = grad


def _contains_opaque(value: Any) -> bool:
    if isinstance(value, wire.Opaque):
        return True
    if isinstance(value, list | tuple):
        return any(_contains_opaque(v) for v in value)
    if isinstance(value, dict):
        return any(_contains_opaque(v) for v in value.values())
    return False


class RemoteFunction:
    """Stands for a student's function in the trusted test namespace."""

    def __init__(self, sandbox: Sandbox, name: str) -> None:
        self.sandbox, self.__name__ = sandbox, name

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        from in5400lib.testing import forbidding

        return self.sandbox.call(self.__name__, args, kwargs, forbid=forbidding())


@dataclass
class Verdict:
    passed: dict[str, bool | None]  # grade_id -> passed / failed / None (not judged)
    messages: dict[str, str]


def run_tests(cells: Cells, env: dict[str, str], cell_timeout: float) -> Verdict:
    """Run the solution's test cells against the sandboxed answers; judge each cell."""
    passed: dict[str, bool | None] = {}
    messages: dict[str, str] = {}
    try:
        sandbox = Sandbox(cells, env, cell_timeout)
    except SandboxGone as gone:
        # It failed before any student code ran: nothing to judge, nbgrader's scores stand.
        why = f"the re-check could not start ({gone})"
        return Verdict({g: None for g, _ in cells.tests}, {g: why for g, _ in cells.tests})
    try:
        from autograder.sandbox.worker import notebook_namespace, without_magics

        namespace = notebook_namespace()
        for source in cells.setup:
            exec(compile(without_magics(source), "<setup>", "exec"), namespace)
        for name, kind in sandbox.names.items():
            namespace[name] = (
                RemoteFunction(sandbox, name) if kind == "callable" else sandbox.values[name]
            )
        for grade_id, source in cells.tests:
            opaque_before = sandbox.opaque_count
            try:
                exec(compile(without_magics(source), f"<{grade_id}>", "exec"), namespace)
                passed[grade_id] = True
            except Unverifiable as why:
                passed[grade_id], messages[grade_id] = None, str(why)
            except Exception as error:  # noqa: BLE001 - a failing test, whatever it raised
                if sandbox.opaque_count > opaque_before:
                    passed[grade_id] = None
                    messages[grade_id] = "tests an object that stays in the sandbox"
                else:
                    passed[grade_id] = False
                    messages[grade_id] = f"{type(error).__name__}: {error}"[:300]
    finally:
        sandbox.close()
    return verdict_with_skips(Verdict(passed, messages), sandbox)


def verdict_with_skips(verdict: Verdict, sandbox: Sandbox) -> Verdict:
    for index, why in sandbox.skipped.items():
        verdict.messages[f"answer {sandbox.cells.answers[index][0]}"] = f"not run: {why}"
    return verdict


def recheck_results(
    results: list[Result],
    to_grade: dict[str, Submission],
    settings: Settings,
    sandbox_user: str,
    scratch_root: Path,
) -> None:
    """Re-check the cells nbgrader passed in one batch's results; update them in place."""
    by_pair = {(s.student, s.notebook): s for s in to_grade.values()}
    for result in results:
        submission = by_pair.get((result.student, result.notebook))
        passed = {grade_id for grade_id, (score, _) in result.cells.items() if score > 0}
        if submission is None or not passed:
            continue  # nothing to withdraw: the re-check can only lower a score
        if settings.recheck_only_full_marks and result.score < result.max_score:
            continue
        solution = solutions_dir() / f"{result.notebook}.ipynb"
        cells = load_cells(solution, submission.path)
        cells = replace(cells, tests=[t for t in cells.tests if t[0] in passed])
        env = sandbox_environment(settings, scratch_root, sandbox_user)
        apply_verdict(result, run_tests(cells, env, settings.cell_timeout))


def apply_verdict(result: Result, verdict: Verdict) -> None:
    """Per cell, keep the lower of nbgrader's score and the re-check's; flag disagreement."""
    disagreements, unjudged = [], []
    for grade_id, (score, top) in result.cells.items():
        outcome = verdict.passed.get(grade_id, False)
        if outcome is None:
            unjudged.append(grade_id)
        elif outcome is False and score > 0:
            result.cells[grade_id] = [0.0, top]
            disagreements.append(f"{grade_id}: {verdict.messages.get(grade_id, 'failed')}")
    result.score = sum(score for score, _ in result.cells.values())
    notes = []
    if disagreements:
        result.status = "tampered" if result.status == "ok" else result.status
        notes.append(
            "passed in the notebook but failed the trusted re-check: " + "; ".join(disagreements)
        )
    if unjudged:
        notes.append("not re-checked: " + ", ".join(unjudged))
    if notes:
        result.detail = " | ".join(part for part in [result.detail, *notes] if part)
