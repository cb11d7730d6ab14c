"""The trusted re-check: run the hidden tests again where the student's code cannot reach them.

In the notebook kernel, student code and tests share one process, so a
submission can rig the tests (patch ``np.testing``, empty later cells, swallow
exceptions...). The re-check therefore

1. runs only the student's answer cells, in a fresh sandboxed interpreter
   (``autograder.sandbox.worker``), after the solution's setup code; answers
   whose exercise forbids something (``autograder.sandbox.guard``: torch in a numpy
   exercise, the shipped model in ``make_cnn``) are served by a worker of their
   own in which the guard holds;
2. runs every test cell of the *solution* (hidden tests included) in the
   grader's own process, where each name the answer cells defined is a proxy:
   calling it sends the arguments to the sandbox and gets plain data back;
3. compares, cell by cell, with what nbgrader awarded.

A cell the re-check fails but nbgrader passed loses its points and the
notebook's status becomes ``tampered``, with the cells and messages in the
detail. A returned network built from torch's own layers comes back as plain
data and is rebuilt on the trusted side (``autograder.sandbox.module_data``); modules a
test passes in come back with their weights, modes and recorded attributes. A
cell the re-check cannot judge (a test that inspects an object that stayed in
the sandbox, such as an instance of a class the notebook defines, or an argument
that cannot be sent) keeps nbgrader's points and is named in the detail as not
re-checked, with the reason.
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import io
import json
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
from autograder.sandbox import module_data, wire
from autograder.sandbox.guard import Policy, policy_for, zygote_part
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
            base = zygote_part(self.policy)
            zygote = Zygote.shared(self.env, json.dumps(base.to_json()) if base else "")
            self.pid = zygote.fork("worker", [to_child_read, from_child_write])
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
        opaque = _first_opaque(value)
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
        module_data.set_attributes(value, state.get("attributes", []))


def _first_opaque(value: Any) -> wire.Opaque | None:
    if isinstance(value, wire.Opaque):
        return value
    items = value if isinstance(value, list | tuple) else []
    items = value.values() if isinstance(value, dict) else items
    return next((o for o in map(_first_opaque, items) if o is not None), None)


def class_sources(source: str) -> dict[str, str]:
    """The classes a test cell defines at its top level (e.g. a probe layer), with their code."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return {}
    lines = source.splitlines()
    classes = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            classes[node.name] = "\n".join(lines[first - 1 : node.end_lineno])
    return classes


def answer_groups(cells: Cells, policies: dict[str, Policy]) -> list[tuple[Policy, set[str]]]:
    """The answer cells grouped by what their exercise forbids: one sandbox per group."""
    groups: dict[Policy, set[str]] = {}
    for grade_id, _ in cells.answers:
        groups.setdefault(policies.get(grade_id, Policy()), set()).add(grade_id)
    return list(groups.items()) or [(Policy(), set())]


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


def run_tests(
    cells: Cells,
    env: dict[str, str],
    cell_timeout: float,
    policies: dict[str, Policy] | None = None,
) -> Verdict:
    """Run the solution's test cells against the sandboxed answers; judge each cell.

    ``policies`` (``{answer grade_id: Policy}``) default to the course's policy table.
    """
    passed: dict[str, bool | None] = {}
    messages: dict[str, str] = {}
    if policies is None:
        policies = policy_for(Path(cells.notebook).stem)
    groups = answer_groups(cells, policies)
    sandboxes: list[Sandbox] = []
    try:
        for policy, own in groups:
            sandboxes.append(
                Sandbox(cells, env, cell_timeout, policy, own if len(groups) > 1 else None)
            )
    except SandboxGone as gone:
        for sandbox in sandboxes:
            sandbox.close()
        # It failed before any student code ran: nothing to judge, nbgrader's scores stand.
        why = f"the re-check could not start ({gone})"
        return Verdict({g: None for g, _ in cells.tests}, {g: why for g, _ in cells.tests})
    try:
        from autograder.sandbox.worker import notebook_namespace, without_magics

        namespace = notebook_namespace()
        for source in cells.setup:
            exec(compile(without_magics(source), "<setup>", "exec"), namespace)
        test_classes: dict[str, str] = {}
        for sandbox in sandboxes:
            sandbox.test_classes = test_classes  # shared: filled as the test cells run
            for name, kind in sandbox.names.items():
                namespace[name] = (
                    RemoteFunction(sandbox, name) if kind == "callable" else sandbox.values[name]
                )
        for grade_id, source in cells.tests:
            test_classes.update(class_sources(without_magics(source)))
            notes_before = sum(len(s.opaque_notes) for s in sandboxes)
            try:
                with contextlib.redirect_stdout(io.StringIO()):  # what the tests print
                    exec(compile(without_magics(source), f"<{grade_id}>", "exec"), namespace)
                passed[grade_id] = True
            except Unverifiable as why:
                passed[grade_id], messages[grade_id] = None, str(why)
            except Exception as error:  # noqa: BLE001 - a failing test, whatever it raised
                notes = [n for s in sandboxes for n in s.opaque_notes]
                if len(notes) > notes_before:
                    passed[grade_id] = None
                    messages[grade_id] = f"tests what stays in the sandbox: {notes[-1]}"
                else:
                    passed[grade_id] = False
                    messages[grade_id] = f"{type(error).__name__}: {error}"[:300]
                    if isinstance(error, NameError):  # say why the answer cell defined nothing
                        stopped = [e for s in sandboxes for e in s.cell_errors.items()]
                        if stopped:
                            messages[grade_id] += f" (answer {stopped[0][0]}: {stopped[0][1]})"
    finally:
        for sandbox in sandboxes:
            sandbox.close()
    verdict = Verdict(passed, messages)
    for sandbox in sandboxes:
        verdict = verdict_with_skips(verdict, sandbox)
    return verdict


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
        by_reason: dict[str, list[str]] = {}
        for grade_id in unjudged:
            by_reason.setdefault(verdict.messages.get(grade_id, ""), []).append(grade_id)
        for reason, ids in by_reason.items():
            notes.append(f"not re-checked: {', '.join(ids)}" + (f" ({reason})" if reason else ""))
    if notes:
        result.detail = " | ".join(part for part in [result.detail, *notes] if part)
