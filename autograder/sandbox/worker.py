"""The untrusted side of the re-check: run a student's answer cells and serve calls.

Started by ``autograder.grading.recheck`` as ``python -m autograder.sandbox.worker R W``
where R and W are pipe file descriptors. It receives the setup code and the
answer cells, enters the sandbox, executes the cells one by one (reporting each
start and end, so the grader knows which cell hung or killed it), then answers
``call`` requests with plain data (see ``autograder.sandbox.wire``). Its standard
output and error go nowhere: nothing the student prints reaches the grader.
"""

from __future__ import annotations

import os
import re
import sys
import traceback
from typing import Any

from autograder.sandbox import wire
from autograder.sandbox.fence import SEED_CODE, enter_sandbox

MAGIC = re.compile(r"^\s*[%!].*$", re.MULTILINE)
#: The module both sides execute the notebook's code in, so that objects of classes a setup
#: cell defines pickle by the same name in the grader and in the sandbox.
NOTEBOOK_MODULE = "in5400_notebook"


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

    def run_cells(self, setup: list[str], answers: list[list[str]]) -> None:
        exec(SEED_CODE, {})
        for source in setup:
            exec(compile(without_magics(source), "<setup>", "exec"), self.namespace)
        before = set(self.namespace)
        for index, (grade_id, source) in enumerate(answers):
            self.reply({"event": "start", "index": index})
            error = None
            try:
                exec(compile(without_magics(source), f"<{grade_id}>", "exec"), self.namespace)
            except BaseException as exc:  # noqa: BLE001 - report whatever the cell raised
                error = f"{type(exc).__name__}: {exc}"
            self.reply({"event": "end", "index": index, "error": error})
        names = {
            name: "callable" if callable(value) else "value"
            for name, value in self.namespace.items()
            if name not in before and not name.startswith("_") and type(value).__name__ != "module"
        }
        values = {name: self.namespace[name] for name, kind in names.items() if kind == "value"}
        self.reply({"event": "ready", "names": names}, values, with_value=True)

    def serve(self) -> None:
        from in5400lib.testing import forbid_torch

        while True:
            try:
                request, blobs = wire.receive(self.incoming)
            except EOFError:
                return
            try:
                args, kwargs = wire.unpack_call(blobs[0], self.handles)
            except Exception as exc:  # noqa: BLE001 - e.g. a class only the test cell defines
                self.reply({"unverifiable": f"the arguments cannot be rebuilt here: {exc}"})
                continue
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
                # Changes the function made to modules it was given travel back too.
                modules = module_states([*args, *kwargs.values()])
                self.reply({"ok": True}, [result, modules], with_value=True)
            except wire.WireError as exc:
                self.reply({"error": {"type": "WireError", "message": str(exc), "detail": ""}})


def module_states(arguments: list[Any]) -> list[Any]:
    """For each argument that is a torch module: its tensors, training flags and gradients."""
    states: list[Any] = []
    for value in arguments:
        if type(value).__module__.startswith("in5400_notebook") or not _is_module(value):
            states.append(None)
            continue
        states.append(
            {
                "state": dict(value.state_dict()),
                "training": [m.training for m in value.modules()],
                "grads": [p.grad for p in value.parameters()],
            }
        )
    return states


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
    worker.run_cells(init["setup"], init["answers"])
    worker.serve()


if __name__ == "__main__":
    run_worker(int(sys.argv[1]), int(sys.argv[2]))
