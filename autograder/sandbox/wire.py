"""Messages between the grader and the sandboxed re-check worker.

A message is a JSON header plus binary blobs, each prefixed with its length.
Values are encoded as tagged JSON; numpy arrays and torch tensors travel as
``.npy`` blobs (``allow_pickle=False``).

Trust goes one way. The arguments the grader sends are pickled, all of one
call in one pickle so that shared objects stay shared (a model and one of its
layers); the worker may unpickle them. What the worker sends back is plain data
only and is never unpickled. A network built from torch's own layers travels as
plain data too (``autograder.sandbox.module_data``) and is rebuilt from the grader's own
classes. A value the worker cannot express as plain data comes back as an
``Opaque`` handle that only the worker can resolve (and that the grader can pass
back as an argument), with the reason.
"""

from __future__ import annotations

import io
import json
import math
import pickle
import struct
from dataclasses import dataclass
from typing import Any, BinaryIO

import numpy as np

from autograder.sandbox import module_data

MAX_MESSAGE = 1 << 30  # bytes; larger messages are refused
_LENGTH = struct.Struct("!Q")


class WireError(RuntimeError):
    """A message that could not be encoded, read or trusted."""


@dataclass(frozen=True)
class Opaque:
    """A value that stayed in the worker (e.g. an ``nn.Module`` a student's function returned)."""

    handle: int
    type_name: str
    why: str = ""

    def __repr__(self) -> str:
        return f"<{self.type_name} object in the sandbox>"


def _array_to_bytes(array: np.ndarray) -> bytes:
    if array.dtype.hasobject:
        raise WireError("arrays of Python objects cannot be sent")
    buffer = io.BytesIO()
    np.save(buffer, np.require(array, requirements="C"), allow_pickle=False)
    return buffer.getvalue()


def _array_from_bytes(blob: bytes) -> np.ndarray:
    return np.load(io.BytesIO(blob), allow_pickle=False)


class Encoder:
    """Turns a value into (JSON-able structure, blobs)."""

    def __init__(self, keep_opaque) -> None:
        self.blobs: list[bytes] = []
        self.keep_opaque = keep_opaque  # callable storing a value, returning its handle

    def _blob(self, data: bytes) -> int:
        self.blobs.append(data)
        return len(self.blobs) - 1

    def encode(self, value: Any) -> Any:
        if value is None or isinstance(value, bool | str):
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            return {"int": str(value)}
        if isinstance(value, float):
            return value if math.isfinite(value) else {"float": repr(value)}
        if isinstance(value, Opaque):
            return {"opaque": value.handle, "type": value.type_name}
        if type(value) in (list, tuple):
            return {type(value).__name__: [self.encode(v) for v in value]}
        if type(value) is dict and all(isinstance(k, str) for k in value):
            return {"dict": {k: self.encode(v) for k, v in value.items()}}
        if isinstance(value, np.ndarray) and type(value) is np.ndarray:
            return {"ndarray": self._blob(_array_to_bytes(value))}
        if isinstance(value, np.generic) and not isinstance(value, np.object_):
            return {"npscalar": self._blob(_array_to_bytes(np.asarray(value)))}
        tensor = _as_tensor(value)
        if tensor is not None:
            array = tensor.detach().cpu().numpy()
            return {
                "tensor": self._blob(_array_to_bytes(array)),
                "grad": bool(tensor.requires_grad),
            }
        why = ""
        if module_data.is_module(value):
            try:
                description = self.encode(module_data.describe(value))
                return {"module": description, "handle": self.keep_opaque(value)}
            except (module_data.NotPlainData, WireError) as error:
                why = str(error)
        return {"opaque": self.keep_opaque(value), "type": type(value).__name__, "why": why}


def _as_tensor(value: Any):
    module = type(value).__module__
    if not module.startswith("torch"):
        return None
    import torch

    return value if type(value) in (torch.Tensor, torch.nn.Parameter) else None


def decode(node: Any, blobs: list[bytes]) -> Any:
    """Rebuild a plain-data value sent by the worker (never unpickles anything)."""
    if node is None or isinstance(node, bool | str | float):
        return node
    if not isinstance(node, dict) or len(node) not in (1, 2, 3):
        raise WireError(f"malformed value {str(node)[:80]}")
    (tag, payload), *rest = node.items()
    if tag == "int":
        return int(payload)
    if tag == "float":
        return float(payload)
    if tag in ("list", "tuple"):
        items = [decode(v, blobs) for v in payload]
        return items if tag == "list" else tuple(items)
    if tag == "dict":
        return {str(k): decode(v, blobs) for k, v in payload.items()}
    if tag == "ndarray":
        return _array_from_bytes(blobs[payload])
    if tag == "npscalar":
        return _array_from_bytes(blobs[payload])[()]
    if tag == "tensor":
        import torch

        tensor = torch.from_numpy(_array_from_bytes(blobs[payload]).copy())
        return tensor.requires_grad_(True) if dict(rest).get("grad") else tensor
    if tag == "opaque":
        extra = dict(rest)
        return Opaque(int(payload), str(extra.get("type", "object")), str(extra.get("why", "")))
    if tag == "module":
        description = decode(payload, blobs)
        handle = int(dict(rest).get("handle", 0))
        try:
            return module_data.rebuild(description)
        except (ValueError, TypeError, KeyError, IndexError, RuntimeError) as error:
            return Opaque(handle, "Module", f"it could not be rebuilt here: {error}"[:200])
    raise WireError(f"refused a value tagged {tag!r}")


class _CallPickler(pickle.Pickler):
    def __init__(self, stream: BinaryIO, classes: set[str] | None) -> None:
        super().__init__(stream, protocol=pickle.HIGHEST_PROTOCOL)
        self.classes = classes

    def persistent_id(self, obj: Any) -> Any:
        return ("opaque", obj.handle) if isinstance(obj, Opaque) else None

    def reducer_override(self, obj: Any) -> Any:
        if self.classes is not None and isinstance(obj, type):
            self.classes.add(obj.__qualname__)
        tensor = _as_tensor(obj)
        if tensor is not None:
            # As a numpy array: torch's own reduction unpickles through ``torch.load``, which
            # an exercise's policy may forbid in the worker.
            try:
                array = tensor.detach().cpu().numpy()
            except (TypeError, RuntimeError):  # e.g. bfloat16: torch's own reduction then
                return NotImplemented
            parameter = type(tensor).__name__ == "Parameter"
            return _tensor_from_array, (array, bool(tensor.requires_grad), parameter)
        return NotImplemented


def _tensor_from_array(array: np.ndarray, requires_grad: bool, parameter: bool) -> Any:
    """The worker's side of a tensor argument: the array back to a tensor or parameter."""
    import torch

    tensor = torch.from_numpy(np.array(array))
    if parameter:
        return torch.nn.Parameter(tensor, requires_grad=requires_grad)
    return tensor.requires_grad_(requires_grad)


class _CallUnpickler(pickle.Unpickler):
    def __init__(self, stream: BinaryIO, handles: dict[int, Any]) -> None:
        super().__init__(stream)
        self.handles = handles

    def persistent_load(self, pid: Any) -> Any:
        kind, handle = pid
        if kind != "opaque" or handle not in self.handles:
            raise WireError(f"unknown object reference {pid!r}")
        return self.handles[handle]


def pack_call(args: tuple, kwargs: dict[str, Any], classes: set[str] | None = None) -> bytes:
    """The arguments of one call, in one pickle (grader to worker only); the names of the
    classes it refers to are added to ``classes``."""
    buffer = io.BytesIO()
    _CallPickler(buffer, classes).dump((tuple(args), dict(kwargs)))
    return buffer.getvalue()


def unpack_call(blob: bytes, handles: dict[int, Any]) -> tuple[tuple, dict[str, Any]]:
    """The worker's side of ``pack_call``: ``Opaque`` references become the objects they name."""
    return _CallUnpickler(io.BytesIO(blob), handles).load()


def send(stream: BinaryIO, header: dict[str, Any], blobs: list[bytes]) -> None:
    parts = [json.dumps(header).encode(), *blobs]
    stream.write(_LENGTH.pack(len(parts)))
    for part in parts:
        stream.write(_LENGTH.pack(len(part)))
        stream.write(part)
    stream.flush()


def _read_exact(stream: BinaryIO, size: int) -> bytes:
    data = bytearray()
    while len(data) < size:
        chunk = stream.read(size - len(data))
        if not chunk:
            raise EOFError("the other side closed the connection")
        data += chunk
    return bytes(data)


def receive(stream: BinaryIO) -> tuple[dict[str, Any], list[bytes]]:
    (count,) = _LENGTH.unpack(_read_exact(stream, _LENGTH.size))
    if not 1 <= count <= 100_000:
        raise WireError(f"a message with {count} parts")
    parts, total = [], 0
    for _ in range(count):
        (size,) = _LENGTH.unpack(_read_exact(stream, _LENGTH.size))
        total += size
        if total > MAX_MESSAGE:
            raise WireError("message too large")
        parts.append(_read_exact(stream, size))
    header = json.loads(parts[0])
    if not isinstance(header, dict):
        raise WireError("a message header must be a JSON object")
    return header, parts[1:]
