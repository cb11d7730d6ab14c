"""What comes back from a sandboxed call besides its value: the states of the modules passed in.

A re-checked function runs on the sandbox's copies of the networks a test passes in
(``autograder.sandbox.module_data`` sends them as plain data); ``copy_module_states``
applies what it did to them (weights, modes, gradients, recorded attributes) to the
grader's own modules, and ``first_opaque`` finds a returned value that stayed in the sandbox.
"""

from __future__ import annotations

from typing import Any

from autograder.sandbox import module_data, wire


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


def first_opaque(value: Any) -> wire.Opaque | None:
    if isinstance(value, wire.Opaque):
        return value
    items = value if isinstance(value, list | tuple) else []
    items = value.values() if isinstance(value, dict) else items
    return next((o for o in map(first_opaque, items) if o is not None), None)
