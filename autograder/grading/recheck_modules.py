"""What comes back from a sandboxed call besides its value: what it did to its arguments.

A re-checked function runs on the sandbox's copies of the networks and arrays a test
passes in (``autograder.sandbox.module_data`` sends networks as plain data);
``copy_argument_states`` applies what it did to them (weights, modes, gradients,
recorded attributes; an array's or tensor's changed contents, and a tensor's
``requires_grad``) to the grader's own objects, so a test that checks its input was
left alone sees what the function did. ``first_opaque`` finds a returned value that
stayed in the sandbox.
"""

from __future__ import annotations

from typing import Any

from autograder.sandbox import module_data, wire


def copy_argument_states(arguments: list[Any], states: list[Any]) -> None:
    """Apply to the grader's arguments what the sandboxed function did to its copies of
    them: a module's state, an array's or a tensor's changed contents, a tensor's
    ``requires_grad``."""
    for value, state in zip(arguments, states, strict=False):
        if state is not None and "array" in state:
            _copy_contents(value, state["array"])
        if state is None or not hasattr(value, "load_state_dict"):
            continue
        value.load_state_dict(state["state"])
        for module, training in zip(value.modules(), state["training"], strict=False):
            module.training = bool(training)
        for parameter, grad in zip(value.parameters(), state["grads"], strict=False):
            parameter.grad = grad
        module_data.set_attributes(value, state.get("attributes", []))


def _copy_contents(target: Any, contents: Any) -> None:
    """Write ``contents`` into the array or tensor ``target`` (left as it is if they differ
    in shape: the test then sees the old contents)."""
    import numpy as np

    if isinstance(target, np.ndarray):
        if target.flags.writeable and np.shape(contents) == target.shape:
            np.copyto(target, np.asarray(contents), casting="unsafe")
        return
    import torch

    if isinstance(target, torch.Tensor) and tuple(contents.shape) == tuple(target.shape):
        with torch.no_grad():
            target.copy_(torch.as_tensor(contents))
        if target.is_leaf and isinstance(contents, torch.Tensor):
            target.requires_grad_(contents.requires_grad)


def first_opaque(value: Any) -> wire.Opaque | None:
    if isinstance(value, wire.Opaque):
        return value
    items = value if isinstance(value, list | tuple) else []
    items = value.values() if isinstance(value, dict) else items
    return next((o for o in map(first_opaque, items) if o is not None), None)
