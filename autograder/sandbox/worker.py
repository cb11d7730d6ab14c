"""The untrusted side of the re-check: run a student's answer cells and serve calls.

Started by ``autograder.grading.recheck`` as ``python -m autograder.sandbox.worker R W``
where R and W are pipe file descriptors. It receives the setup code and the
answer cells, enters the sandbox, executes the cells one by one (reporting each
start and end, so the grader knows which cell hung or killed it), then answers
``call`` requests with plain data (see ``autograder.sandbox.wire``), or ``run``
requests: test cells executed here, among the answers, as in a kernel. What an answer
cell prints is sent back as text, as the cell's output in the executed notebook;
anything else on its standard output and error goes nowhere.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import sys
import traceback
from typing import Any

from autograder.sandbox import module_data, wire
from autograder.sandbox.fence import SEED_CODE, enter_sandbox

MAGIC = re.compile(r"^\s*[%!].*$", re.MULTILINE)
#: The module both sides execute the notebook's code in, so that objects of classes a setup
#: cell defines pickle by the same name in the grader and in the sandbox.
NOTEBOOK_MODULE = "in5400_notebook"
#: Characters of what an answer cell prints that are sent back (for the executed notebook).
OUTPUT_LIMIT = 20_000


def notebook_namespace() -> dict[str, Any]:
    """A fresh module registered as ``NOTEBOOK_MODULE``; returns its namespace."""
    import types

    module = types.ModuleType(NOTEBOOK_MODULE)
    sys.modules[NOTEBOOK_MODULE] = module
    return module.__dict__


def without_magics(source: str) -> str:
    """IPython magics and shell escapes become blank lines (plain Python executes the rest)."""
    return MAGIC.sub("", source)


class Worker:
    def __init__(self, incoming, outgoing) -> None:
        self.incoming, self.outgoing = incoming, outgoing
        self.namespace = notebook_namespace()
        self.handles: dict[int, Any] = {}

    def reply(self, header: dict[str, Any], value: Any = None, with_value: bool = False) -> None:
        blobs: list[bytes] = []
        if with_value:
            encoder = wire.Encoder(keep_opaque=self.keep)
            header["value"] = encoder.encode(value)
            blobs = encoder.blobs
        wire.send(self.outgoing, header, blobs)

    def keep(self, value: Any) -> int:
        handle = len(self.handles) + 1
        self.handles[handle] = value
        return handle

    def run_cells(
        self,
        setup: list[str],
        answers: list[list[str]],
        own: set[str] | None = None,
        guard: dict[str, Any] | None = None,
    ) -> None:
        """Run the setup code, then every answer cell; serve the names that ``own`` cells
        (all cells if None) defined. With a ``guard`` (this process runs under
        ``autograder.sandbox.guard``), setup statements that need what the guard forbids are left
        out (the answers that run here may not use them either), forbidden attributes are
        scrubbed and the guard is locked before the first answer cell."""
        if guard is not None:
            from autograder.sandbox.guard import extend, lock, name_exercise, scrub_attributes
            from autograder.sandbox.guard_policy import Policy

            extend(Policy.from_json(guard))
        exec(SEED_CODE, {})
        for source in setup:
            if guard is None:
                exec(compile(without_magics(source), "<setup>", "exec"), self.namespace)
            else:
                run_statements(without_magics(source), self.namespace)
        if guard is not None:
            exercise = str(guard.get("exercise", "this exercise"))
            scrub_attributes(Policy.from_json(guard), self.namespace, exercise)
            name_exercise(exercise)
            lock()
        before = set(self.namespace)
        served: set[str] = set()
        for index, (grade_id, source) in enumerate(answers):
            self.reply({"event": "start", "index": index})
            previous = dict(self.namespace)
            error, text = self.exec_cell(grade_id, source)
            changed = {
                name
                for name, value in self.namespace.items()
                if name not in previous or previous[name] is not value
            }
            if own is None or grade_id in own:
                served |= changed
            else:
                served -= changed
                error = None  # another worker runs this cell under its own policy
            self.reply({"event": "end", "index": index, "error": error, "printed": text})
        names = {
            name: "callable" if callable(value) else "value"
            for name, value in self.namespace.items()
            if name in served
            and name not in before
            and not name.startswith("_")
            and type(value).__name__ != "module"
        }
        values = {name: self.namespace[name] for name, kind in names.items() if kind == "value"}
        self.reply({"event": "ready", "names": names}, values, with_value=True)

    def exec_cell(self, grade_id: str, source: str) -> tuple[str | None, str]:
        """Execute one cell: the error it raised (or None) and what it printed."""
        error = None
        printed = io.StringIO()
        try:
            with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
                exec(compile(without_magics(source), f"<{grade_id}>", "exec"), self.namespace)
        except BaseException as exc:  # noqa: BLE001 - report whatever the cell raised
            error = f"{type(exc).__name__}: {exc}"
        text = printed.getvalue()
        if len(text) > OUTPUT_LIMIT:
            text = text[:OUTPUT_LIMIT] + f"\n... ({len(text) - OUTPUT_LIMIT} more characters)"
        return error, text

    def run_test_cells(self, cells: list[list[str]]) -> None:
        """Run test cells here, among the answers, as the notebook's kernel would (the grader
        compares: a cell that passes here but fails the trusted run was rigged); reply with
        each cell's error, or None, as it finishes."""
        for grade_id, source in cells:
            error, _ = self.exec_cell(grade_id, source)
            self.reply({"event": "ran", "grade_id": grade_id, "error": error})

    def serve(self) -> None:
        from in5400lib.testing import forbid_torch

        while True:
            try:
                request, blobs = wire.receive(self.incoming)
            except EOFError:
                return
            if "run" in request:
                self.run_test_cells(request["run"])
                continue
            for source in request.get("define", []):
                # Classes a test cell defines (a probe layer it passes in): trusted code.
                try:
                    exec(compile(source, "<test>", "exec"), self.namespace)
                except Exception:  # noqa: BLE001 - then the arguments cannot be rebuilt
                    pass
            try:
                args, kwargs = wire.unpack_call(blobs[0], self.handles)
            except Exception as exc:  # noqa: BLE001 - e.g. a class only the test cell defines
                self.reply({"unverifiable": f"the arguments cannot be rebuilt here: {exc}"})
                continue
            arguments = [*args, *kwargs.values()]
            before = [fingerprint(value) for value in arguments]
            try:
                function = self.namespace[request["name"]]
                if request.get("forbid"):
                    with forbid_torch(request["name"]):
                        result = function(*args, **kwargs)
                else:
                    result = function(*args, **kwargs)
            except BaseException as exc:  # noqa: BLE001 - the student's exception goes back
                detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
                self.reply(
                    {"error": {"type": type(exc).__name__, "message": str(exc), "detail": detail}}
                )
                continue
            try:
                # What the function did to its arguments (modules, arrays) travels back too.
                modules = argument_states(arguments, before)
                self.reply({"ok": True}, [result, modules], with_value=True)
            except wire.WireError as exc:
                self.reply({"error": {"type": "WireError", "message": str(exc), "detail": ""}})
            except Exception as exc:  # noqa: BLE001 - e.g. the guard refused what encoding needs
                self.reply({"unverifiable": f"the result cannot be sent: {exc}"[:300]})


def argument_states(arguments: list[Any], before: list[bytes | None]) -> list[Any]:
    """What the call did to its arguments, one entry per argument (None: nothing to send).

    A torch module: its tensors, training flags, gradients and the plain attributes of
    its layers (what a test's probe layer recorded). An array or tensor whose contents or
    ``requires_grad`` changed (``before``: its ``fingerprint`` before the call): itself.
    """
    states: list[Any] = []
    for value, old in zip(arguments, before, strict=True):
        if _is_module(value):
            states.append(
                {
                    "state": dict(value.state_dict()),
                    "training": [m.training for m in value.modules()],
                    "grads": [p.grad for p in value.parameters()],
                    "attributes": module_data.attributes_of(value),
                }
            )
        elif old is not None and fingerprint(value) != old:
            states.append({"array": value})
        else:
            states.append(None)
    return states


def fingerprint(value: Any) -> bytes | None:
    """A digest of an array's or a tensor's contents and shape, and whether a tensor
    requires grad (None for anything else)."""
    import hashlib

    import numpy as np

    torch = sys.modules.get("torch")
    flags = b""
    try:
        if torch is not None and isinstance(value, torch.Tensor):
            flags = b"requires_grad" if value.requires_grad else b""
            value = value.detach().cpu().numpy()
        if not isinstance(value, np.ndarray):
            return None
        digest = hashlib.blake2b(np.ascontiguousarray(value).tobytes(), digest_size=16)
    except Exception:  # noqa: BLE001 - e.g. a dtype numpy lacks: not followed
        return None
    return digest.digest() + str(value.shape).encode() + flags


def run_statements(source: str, namespace: dict[str, Any]) -> None:
    """Execute ``source`` statement by statement, leaving out those that fail."""
    import ast

    try:
        tree = ast.parse(source)
    except SyntaxError:
        return
    for statement in tree.body:
        module = ast.Module(body=[statement], type_ignores=[])
        try:
            exec(compile(module, "<setup>", "exec"), namespace)
        except Exception:  # noqa: BLE001 - e.g. importing what this worker may not use
            continue


def _is_module(value: Any) -> bool:
    torch = sys.modules.get("torch")
    return torch is not None and isinstance(value, torch.nn.Module)


def run_worker(read_fd: int, write_fd: int) -> None:
    """Get the cells, enter the sandbox, run them, then serve calls until the grader hangs up."""
    incoming = os.fdopen(read_fd, "rb")
    outgoing = os.fdopen(write_fd, "wb")
    init, blobs = wire.receive(incoming)
    enter_sandbox()
    if init.get("notebook") and blobs:
        # Like the kernel, the answers see a copy of their own notebook and nothing else.
        with open(os.path.basename(init["notebook"]), "wb") as handle:
            handle.write(blobs[0])
    worker = Worker(incoming, outgoing)
    own = set(init["own"]) if init.get("own") is not None else None
    worker.run_cells(init["setup"], init["answers"], own, init.get("guard"))
    worker.serve()


if __name__ == "__main__":
    run_worker(int(sys.argv[1]), int(sys.argv[2]))
