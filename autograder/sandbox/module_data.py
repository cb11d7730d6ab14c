"""``nn.Module`` trees as plain data, so the tests of a returned model run on the trusted side.

A graded function that returns a network (``make_dense``, ``make_cnn``) hands back an
object whose behaviour is code. When that network is a tree of torch's own layers
(an allow-list, plus the course's ``in5400lib.models.Residual``), its behaviour is
fixed by data alone: the layer types, their constructor arguments and settings,
parameters and buffers, train/eval mode and ``requires_grad``. ``describe`` turns
such a tree into that data (the sandbox's side); ``rebuild`` builds the same tree
from the grader's own classes (the grader's side), so whatever the student's code
did to torch inside the sandbox (patched classes, hooks, rebound functions) does
not come along. Nothing is unpickled: tensors travel as ``.npy`` arrays.

A class the notebook derives from a listed layer counts as that layer when it
defines nothing but ``__init__`` (a ``SeparableConv2d(nn.Sequential)`` that adds
its two convolutions). A tree is refused (and stays in the sandbox, named in the
re-check's detail) when it holds any other class (one with its own ``forward``, a
subclass that changes a listed layer), a hook, a parametrization, an attribute
that is not plain data, or a tensor numpy cannot hold.

``attributes_of``/``set_attributes`` carry the plain attributes of modules the grader
passed *in* (a test's probe that records the training mode) back from the sandbox.
"""

from __future__ import annotations

import inspect
from typing import Any

#: torch.nn layer types a returned model may be built from (exact types, no subclasses).
TORCH_LAYERS = (
    "Sequential ModuleList ModuleDict Identity Flatten Unflatten "
    "Linear Bilinear Conv1d Conv2d Conv3d ConvTranspose1d ConvTranspose2d "
    "BatchNorm1d BatchNorm2d BatchNorm3d LayerNorm GroupNorm InstanceNorm1d InstanceNorm2d "
    "LocalResponseNorm Dropout Dropout1d Dropout2d AlphaDropout "
    "ReLU ReLU6 LeakyReLU PReLU ELU SELU CELU GELU SiLU Mish Sigmoid Tanh Hardtanh Hardswish "
    "Hardsigmoid Softplus Softsign Tanhshrink Softmax LogSoftmax Softmax2d "
    "MaxPool1d MaxPool2d MaxPool3d AvgPool1d AvgPool2d AvgPool3d LPPool2d "
    "AdaptiveAvgPool1d AdaptiveAvgPool2d AdaptiveMaxPool1d AdaptiveMaxPool2d "
    "ZeroPad2d ConstantPad2d ReflectionPad2d ReplicationPad2d Upsample PixelShuffle "
    "ChannelShuffle Embedding"
).split()
#: The course's own layers a returned model may use.
COURSE_LAYERS = {"in5400lib.models.Residual": ("in5400lib.models", "Residual")}
#: Constructor arguments that are not read from an attribute of the same name.
NOT_ARGUMENTS = {"self", "device", "dtype", "_weight", "_freeze"}
#: Hook tables a describable module must have empty.
HOOKS = (
    "_forward_hooks",
    "_forward_pre_hooks",
    "_backward_hooks",
    "_backward_pre_hooks",
    "_forward_hooks_with_kwargs",
    "_forward_pre_hooks_with_kwargs",
    "_state_dict_hooks",
    "_state_dict_pre_hooks",
    "_load_state_dict_pre_hooks",
    "_load_state_dict_post_hooks",
)


#: What a subclass of an allowed layer may define and still count as that layer.
PLAIN_CLASS_KEYS = frozenset(
    "__init__ __module__ __qualname__ __doc__ __dict__ __weakref__ __annotations__ "
    "__firstlineno__ __static_attributes__ __orig_bases__ __parameters__".split()
)


class NotPlainData(ValueError):
    """The module cannot be described as plain data (the reason is the message)."""


def layer_types() -> dict[str, type]:
    """Allowed layer classes by name (``torch.nn.Conv2d``, ``in5400lib.models.Residual``)."""
    import importlib
    import sys

    from torch import nn

    types = {f"torch.nn.{name}": getattr(nn, name) for name in TORCH_LAYERS if hasattr(nn, name)}
    for key, (module, name) in COURSE_LAYERS.items():
        try:
            # Where the course module is not loaded (or forbidden), none of its layers exist.
            loaded = sys.modules.get(module) or importlib.import_module(module)
            types[key] = getattr(loaded, name)
        except Exception:  # noqa: BLE001 - not importable here: nothing to allow
            continue
    return types


def is_module(value: Any) -> bool:
    import sys

    torch = sys.modules.get("torch")
    return torch is not None and isinstance(value, torch.nn.Module)


def _plain(value: Any) -> bool:
    if value is None or type(value) in (bool, int, float, str):
        return True
    return type(value) in (tuple, list) and len(value) <= 64 and all(_plain(v) for v in value)


# --------------------------------------------------------------------------- sandbox side


def describe(root: Any) -> dict[str, Any]:
    """The plain data of a module tree: ``{"root", "modules", "tensors"}``; raises NotPlainData."""
    names = {cls: name for name, cls in layer_types().items()}
    modules: list[dict[str, Any]] = []
    tensors: list[dict[str, Any]] = []
    module_ids: dict[int, int] = {}
    tensor_ids: dict[int, int] = {}

    def tensor_index(tensor: Any, parameter: bool) -> int:
        if id(tensor) not in tensor_ids:
            tensor_ids[id(tensor)] = len(tensors)
            tensors.append(_tensor_data(tensor, parameter))
        return tensor_ids[id(tensor)]

    def visit(module: Any) -> int:
        if id(module) in module_ids:
            return module_ids[id(module)]
        kind = _allowed_base(type(module), names)
        for table in HOOKS:
            if getattr(module, table, None):
                raise NotPlainData(f"a {kind.__name__} with a hook")
        attributes = {}
        for key, value in vars(module).items():
            if key.startswith("_"):
                continue
            if not _plain(value):
                raise NotPlainData(f"a {kind.__name__} with a {type(value).__name__} in .{key}")
            attributes[key] = value
        index = module_ids[id(module)] = len(modules)
        entry: dict[str, Any] = {"type": names[kind], "attributes": attributes}
        modules.append(entry)
        entry["arguments"] = _arguments(module)
        entry["parameters"] = {
            k: None if p is None else tensor_index(p, True) for k, p in module._parameters.items()
        }
        entry["buffers"] = {
            k: None if b is None else tensor_index(b, False) for k, b in module._buffers.items()
        }
        entry["transient"] = sorted(module._non_persistent_buffers_set)
        entry["children"] = [
            [k, None if child is None else visit(child)] for k, child in module._modules.items()
        ]
        return index

    root_index = visit(root)
    return {"root": root_index, "modules": modules, "tensors": tensors}


def _allowed_base(kind: type, names: dict[type, str]) -> type:
    """``kind`` if it is allowed; else the allowed class it derives from when every class in
    between only defines ``__init__`` (``class Block(nn.Sequential)`` that adds its layers:
    its behaviour is the base class's); else raise NotPlainData."""
    if kind in names:
        return kind
    for position, base in enumerate(kind.__mro__[1:], 1):
        if base in names:
            extra = {
                key
                for cls in kind.__mro__[:position]
                for key in vars(cls)
                if key not in PLAIN_CLASS_KEYS
            }
            if not extra:
                return base
            shown = ", ".join(sorted(extra)[:3])
            raise NotPlainData(f"{kind.__name__} defines its own {shown}")
    raise NotPlainData(f"{kind.__name__} is not built from torch's own layers")


def _arguments(module: Any) -> dict[str, Any]:
    """Constructor arguments read back from the module's attributes (what is not found keeps
    its default; ``bias`` and the like are the presence of that parameter)."""
    arguments = {}
    signature = inspect.signature(type(module).__init__)
    for name, parameter in signature.parameters.items():
        variable = parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD)
        if name in NOT_ARGUMENTS or variable:
            continue
        if name in module._parameters:
            arguments[name] = module._parameters[name] is not None
        elif name in vars(module) and _plain(vars(module)[name]):
            arguments[name] = vars(module)[name]
    return arguments


def _tensor_data(tensor: Any, parameter: bool) -> dict[str, Any]:
    import torch

    if type(tensor) not in (torch.Tensor, torch.nn.Parameter) or tensor.layout != torch.strided:
        raise NotPlainData(f"a tensor of type {type(tensor).__name__}")
    if tensor.device.type != "cpu" or tensor.dtype in (torch.bfloat16, torch.complex32):
        raise NotPlainData(f"a {tensor.dtype} tensor on {tensor.device}")
    grad = tensor.grad if parameter else None
    return {
        "data": tensor.detach(),
        "requires_grad": bool(tensor.requires_grad),
        "grad": None if grad is None else grad.detach(),
    }


# --------------------------------------------------------------------------- grader side


def rebuild(data: dict[str, Any]) -> Any:
    """Build the tree ``describe`` described, from the grader's own classes; raise ValueError if
    the data is not a consistent description of allowed layers."""
    import torch

    types = layer_types()
    tensors = [_tensor_entry(entry) for entry in data["tensors"]]
    parameters: dict[int, Any] = {}  # one Parameter per described tensor: sharing is kept
    built: list[Any] = [None] * len(data["modules"])
    for index in _children_first(data["modules"], int(data["root"])):
        entry = data["modules"][index]
        kind = types.get(entry["type"])
        if kind is None:
            raise ValueError(f"refused layer type {entry['type']!r}")
        arguments = {str(k): v for k, v in entry["arguments"].items() if _plain(v)}
        with torch.device("meta"):  # no memory for the sizes it names; the tensors come next
            module = kind(**arguments)
        module._modules.clear()
        for name, child in entry["children"]:
            module.add_module(str(name), None if child is None else built[int(child)])
        for table in ("_parameters", "_buffers"):
            _place(module, table, entry[table[1:]], tensors, parameters)
        transient = {str(n) for n in entry["transient"]}
        module._non_persistent_buffers_set = transient & set(module._buffers)
        fresh = vars(module)
        for key, value in entry["attributes"].items():
            if key in fresh and not key.startswith("_") and _plain(value):
                setattr(module, key, value)
        built[index] = module
    return built[int(data["root"])]


def _children_first(modules: list[dict[str, Any]], root: int) -> list[int]:
    order: list[int] = []
    state: dict[int, str] = {}

    def visit(index: int) -> None:
        if state.get(index) == "done":
            return
        if state.get(index) == "open" or not 0 <= index < len(modules):
            raise ValueError("the module description is not a tree")
        state[index] = "open"
        for _, child in modules[index]["children"]:
            if child is not None:
                visit(int(child))
        state[index] = "done"
        order.append(index)

    visit(root)
    return order


def _tensor_entry(entry: dict[str, Any]) -> tuple[Any, bool, Any]:
    import torch

    data, grad = entry["data"], entry.get("grad")
    if not isinstance(data, torch.Tensor) or not (grad is None or isinstance(grad, torch.Tensor)):
        raise ValueError("a tensor was expected")
    if grad is not None and grad.shape != data.shape:
        raise ValueError("a gradient of the wrong shape")
    return data.detach(), bool(entry["requires_grad"]), grad


def _place(module: Any, table: str, names: dict[str, Any], tensors: list, made: dict) -> None:
    """Replace the meta tensors ``module`` was built with by the described ones (same shapes)."""
    import torch

    existing = getattr(module, table)
    if set(names) != set(existing):
        raise ValueError(f"{type(module).__name__}: {table[1:]} {sorted(names)} do not match")
    for name, index in names.items():
        if index is None or existing[name] is None:
            if not (index is None and existing[name] is None):
                raise ValueError(f"{type(module).__name__}.{name} is missing on one side")
            continue
        data, requires_grad, grad = tensors[int(index)]
        if tuple(data.shape) != tuple(existing[name].shape):
            raise ValueError(f"{type(module).__name__}.{name} has the wrong shape")
        if table == "_buffers":
            existing[name] = data
            continue
        if int(index) not in made:
            parameter = torch.nn.Parameter(data, requires_grad=requires_grad)
            parameter.grad = None if grad is None else grad.to(data.dtype)
            made[int(index)] = parameter
        existing[name] = made[int(index)]


# --------------------------------------------------------------------------- probes passed in


def attributes_of(module: Any) -> list[dict[str, Any]]:
    """For every module in ``module.modules()``: its plain public attributes (a probe's record)."""
    return [
        {k: v for k, v in vars(m).items() if not k.startswith("_") and _plain(v)}
        for m in module.modules()
    ]


def set_attributes(module: Any, attributes: list[Any]) -> None:
    """Apply ``attributes_of``'s data to the grader's own copy of the modules (plain data, and
    only attributes the module already has)."""
    for target, values in zip(module.modules(), attributes, strict=False):
        if not isinstance(values, dict):
            continue
        for key, value in values.items():
            if key in vars(target) and not key.startswith("_") and _plain(value):
                setattr(target, key, value)
