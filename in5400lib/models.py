"""Build networks from plain layer specs and load the shipped, pre-trained reference models.

A *layer spec* is a list of dicts, one per layer, naming a ``torch.nn`` class
and its keyword arguments; ``{"type": "Residual", "layers": [...]}`` wraps a
sub-list in a skip connection (``x + layers(x)``)::

    spec = [
        {"type": "Conv2d", "in_channels": 3, "out_channels": 16, "kernel_size": 3, "padding": 1},
        {"type": "ReLU"},
        {"type": "AdaptiveAvgPool2d", "output_size": 1},
        {"type": "Flatten"},
    ]
    model = build_sequential(spec)

Checkpoints store the spec next to the weights, so a model is rebuilt from
data alone (``torch.load(..., weights_only=True)`` can read them)::

    model, record = load_reference_cnn()
    record["test_accuracy"], record["mean"], record["std"]

For any network whose output is the global average of its last convolution's
maps (a *fully convolutional head*, however the network is written):
``score_maps(net, x)`` returns those maps (class activation maps), and
``FlattenHead(net)`` swaps the head for Flatten + Linear.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import torch
from torch import nn

__all__ = [
    "REFERENCE_MODELS",
    "LAYER_TYPES",
    "FlattenHead",
    "Residual",
    "build_sequential",
    "load_checkpoint",
    "load_pretrained",
    "load_reference_cnn",
    "head_conv",
    "save_checkpoint",
    "score_maps",
]

LayerSpec = list[dict[str, Any]]


class Residual(nn.Module):
    """Skip connection around a stack of layers: ``x + layers(x)`` (shapes must agree)."""

    def __init__(self, *layers: nn.Module) -> None:
        super().__init__()
        self.layers = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.layers(x)


#: The layer types a spec may name (no arbitrary code is ever built from a file).
LAYER_TYPES: dict[str, type[nn.Module]] = {
    cls.__name__: cls
    for cls in (
        nn.Conv2d,
        nn.BatchNorm2d,
        nn.ReLU,
        nn.GELU,
        nn.MaxPool2d,
        nn.AvgPool2d,
        nn.AdaptiveAvgPool2d,
        nn.Flatten,
        nn.Linear,
        nn.Dropout,
    )
}


def build_sequential(spec: LayerSpec) -> nn.Sequential:
    """An ``nn.Sequential`` with one module per entry of ``spec`` (see the module docstring)."""
    return nn.Sequential(*(_build_layer(entry) for entry in spec))


def _build_layer(entry: dict[str, Any]) -> nn.Module:
    kwargs = dict(entry)
    name = kwargs.pop("type", None)
    if name == "Residual":
        return Residual(*build_sequential(kwargs.pop("layers")))
    if name not in LAYER_TYPES:
        raise ValueError(f"unknown layer type {name!r}; known: Residual, {', '.join(LAYER_TYPES)}")
    return LAYER_TYPES[name](**kwargs)


# --- the head of a fully convolutional network ---------------------------------------------------


def head_conv(net: nn.Module) -> nn.Conv2d:
    """The last ``nn.Conv2d`` of ``net`` in ``net.modules()`` order: the head of an FCN."""
    convs = [m for m in net.modules() if isinstance(m, nn.Conv2d)]
    if not convs:
        raise ValueError("the network has no nn.Conv2d layer")
    return convs[-1]


@torch.no_grad()
def score_maps(net: nn.Module, x: torch.Tensor) -> torch.Tensor:
    """The output (N, K, h, w) of ``net``'s head convolution for images x (N, C, H, W).

    For a network that ends in global average pooling these are the class
    activation maps (Zhou et al., 2016): their spatial mean is the logits (N, K).
    Runs in eval mode without gradients and restores the network's mode.
    """
    captured: list[torch.Tensor] = []
    handle = head_conv(net).register_forward_hook(lambda m, i, out: captured.append(out))
    was_training = net.training
    try:
        net.eval()(x)
    finally:
        handle.remove()
        net.train(was_training)
    return captured[-1]


class FlattenHead(nn.Module):
    """``net``'s layers up to its head convolution, then Flatten + Linear(features, num_classes).

    Works for any way ``net`` is written (flat ``nn.Sequential``, nested blocks,
    a custom ``forward``): a hook picks up the input of the head convolution
    (``head_conv(net)``). The network still runs its old head (a cheap 1x1
    convolution and an average) but the result is not used; the head's parameters
    are frozen (``requires_grad=False``), so only the body and the new dense layer
    train. Images are (N, ``in_channels``, ``image_size``, ``image_size``): a dense
    layer needs a fixed input size.
    """

    def __init__(
        self, net: nn.Module, image_size: int = 32, in_channels: int = 3, num_classes: int = 10
    ) -> None:
        super().__init__()
        self.net = net
        self.head = head_conv(net)
        self.head.requires_grad_(False)
        was_training = net.training
        with torch.no_grad():
            net.eval()
            features = self.features(torch.zeros(1, in_channels, image_size, image_size))
        net.train(was_training)
        self.classifier = nn.Linear(features[0].numel(), num_classes)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        """The input (N, C', h, w) of the head convolution for images x (N, C, H, W)."""
        captured: list[torch.Tensor] = []
        handle = self.head.register_forward_pre_hook(lambda m, inputs: captured.append(inputs[0]))
        try:
            self.net(x)
        finally:
            handle.remove()
        return captured[-1]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(torch.flatten(self.features(x), 1))


# --- checkpoints ---------------------------------------------------------------------------------

WEIGHTS_DIR = Path(str(resources.files("in5400lib") / "weights"))

#: Shipped models by name: file stem in ``in5400lib/weights/`` (``NAME.pt`` + ``NAME.json``).
REFERENCE_MODELS: dict[str, str] = {
    "cifar10_cnn": "CIFAR-10 CNN of notebook 07 (global-average-pool head), trained on the subset",
}


def save_checkpoint(model: nn.Module, spec: LayerSpec, record: dict[str, Any], stem: Path) -> None:
    """Write ``stem.pt`` (spec + float32 state dict) and ``stem.json`` (the human-readable record).

    ``model`` must be ``build_sequential(spec)`` (trained). The record is also
    stored inside the ``.pt`` file, so the two files can be checked against each other.
    """
    text = json.dumps(record, indent=2, sort_keys=True)
    record = json.loads(text)  # plain JSON types only, so that weights_only=True can read it
    state = {k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()}
    torch.save({"spec": spec, "state_dict": state, "record": record}, stem.with_suffix(".pt"))
    stem.with_suffix(".json").write_text(text + "\n", encoding="utf-8")


def load_checkpoint(path: Path) -> tuple[nn.Sequential, dict[str, Any]]:
    """Rebuild the model stored at ``path`` (a ``.pt`` from ``save_checkpoint``); eval mode.

    Returns ``(model, record)`` where ``record`` is read from the ``.json``
    beside the checkpoint (falls back to the copy inside the ``.pt``).
    """
    checkpoint = torch.load(path, map_location="cpu", weights_only=True)
    model = build_sequential(checkpoint["spec"])
    model.load_state_dict(checkpoint["state_dict"])
    model.eval()
    record_path = path.with_suffix(".json")
    if record_path.exists():
        record = json.loads(record_path.read_text(encoding="utf-8"))
    else:
        record = dict(checkpoint["record"])
    record["spec"] = checkpoint["spec"]
    return model, record


def load_pretrained(name: str) -> tuple[nn.Sequential, dict[str, Any]]:
    """Load the shipped model ``name`` (a key of ``REFERENCE_MODELS``): ``(model, record)``.

    The model is in eval mode and expects images normalised with
    ``record["mean"]``/``record["std"]`` (see ``in5400lib.training.normalize``).
    """
    if name not in REFERENCE_MODELS:
        raise KeyError(f"no shipped model {name!r}; available: {', '.join(REFERENCE_MODELS)}")
    path = WEIGHTS_DIR / f"{name}.pt"
    if not path.exists():
        raise FileNotFoundError(
            f"{path} is missing: run benchmarks/train_reference.py to create it"
        )
    return load_checkpoint(path)


def load_reference_cnn() -> tuple[nn.Sequential, dict[str, Any]]:
    """The CIFAR-10 CNN of notebook 07, trained by ``benchmarks/train_reference.py``.

    Returns ``(model, record)``: the model (eval mode) maps normalised images
    (N, 3, H, W) to logits (N, 10); the record holds the training data
    (counts, md5 of the batch files), seed, epochs, time, test accuracy, torch
    version and the normalisation ``mean``/``std``.
    """
    return load_pretrained("cifar10_cnn")
