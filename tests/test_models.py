"""Tests of in5400lib.models: layer specs, checkpoints and the shipped reference CNN."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
import torch
from torch import nn

from in5400lib.models import (
    REFERENCE_MODELS,
    FlattenHead,
    Residual,
    build_sequential,
    load_checkpoint,
    load_pretrained,
    load_reference_cnn,
    save_checkpoint,
    score_maps,
)

ROOT = Path(__file__).resolve().parents[1]
WEIGHTS = ROOT / "in5400lib" / "weights"
NOTEBOOK = ROOT / "solutions" / "07_cifar10_cnn_vs_dense.ipynb"

SMALL_SPEC = [
    {"type": "Conv2d", "in_channels": 3, "out_channels": 4, "kernel_size": 3, "padding": 1},
    {"type": "BatchNorm2d", "num_features": 4},
    {"type": "ReLU"},
    {
        "type": "Residual",
        "layers": [{"type": "Conv2d", "in_channels": 4, "out_channels": 4, "kernel_size": 1}],
    },
    {"type": "Conv2d", "in_channels": 4, "out_channels": 10, "kernel_size": 1},
    {"type": "AdaptiveAvgPool2d", "output_size": 1},
    {"type": "Flatten"},
]


def test_build_sequential_follows_the_spec() -> None:
    model = build_sequential(SMALL_SPEC)
    kinds = [type(m) for m in model]
    assert kinds == [
        nn.Conv2d, nn.BatchNorm2d, nn.ReLU, Residual, nn.Conv2d, nn.AdaptiveAvgPool2d, nn.Flatten
    ]  # fmt: skip
    assert model[0].padding == (1, 1) and model[4].out_channels == 10
    assert model(torch.randn(2, 3, 9, 7)).shape == (2, 10)


def test_residual_adds_its_input() -> None:
    torch.manual_seed(0)
    body = nn.Conv2d(2, 2, 3, padding=1)
    x = torch.randn(1, 2, 5, 5)
    torch.testing.assert_close(Residual(body)(x), x + body(x))


def test_build_sequential_refuses_unknown_layers() -> None:
    with pytest.raises(ValueError, match="unknown layer type 'Eval'"):
        build_sequential([{"type": "Eval"}])


class NestedCnn(nn.Module):
    """A fully convolutional classifier written with blocks and its own forward."""

    def __init__(self) -> None:
        super().__init__()
        self.body = nn.Sequential(
            nn.Sequential(nn.Conv2d(3, 6, 3, padding=1), nn.ReLU()),
            nn.MaxPool2d(2),
            Residual(nn.Conv2d(6, 6, 3, padding=1), nn.BatchNorm2d(6)),
        )
        self.scores = nn.Conv2d(6, 10, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.scores(torch.relu(self.body(x))).mean(dim=(2, 3))


@pytest.mark.parametrize("make", [lambda: build_sequential(SMALL_SPEC), NestedCnn])
def test_score_maps_average_to_the_logits_and_keep_the_mode(make) -> None:
    torch.manual_seed(0)
    net = make().train()
    x = torch.randn(3, 3, 12, 10)
    maps = score_maps(net, x)
    assert net.training, "score_maps restores the previous mode"
    net.eval()
    with torch.no_grad():
        torch.testing.assert_close(maps.mean(dim=(2, 3)), net(x), rtol=1e-5, atol=1e-6)
    assert maps.shape[:2] == (3, 10) and not maps.requires_grad


@pytest.mark.parametrize("make", [lambda: build_sequential(SMALL_SPEC), NestedCnn])
def test_flatten_head_replaces_the_head_of_any_design(make) -> None:
    torch.manual_seed(1)
    net = make()
    head = [m for m in net.modules() if isinstance(m, nn.Conv2d)][-1]
    features = {}
    head.register_forward_pre_hook(lambda m, inputs: features.update(x=inputs[0]))
    variant = FlattenHead(net, image_size=16)
    x = torch.randn(2, 3, 16, 16)
    out = variant(x)
    assert out.shape == (2, 10)
    expected = variant.classifier(features["x"].flatten(1))
    torch.testing.assert_close(out, expected)
    assert variant.classifier.in_features == features["x"][0].numel()
    trainable = {id(p) for p in variant.parameters() if p.requires_grad}
    assert not any(id(p) in trainable for p in head.parameters()), "the old head is frozen"
    out.sum().backward()
    first = next(m for m in net.modules() if isinstance(m, nn.Conv2d))
    assert first.weight.grad is not None and first.weight.grad.abs().sum() > 0


def test_checkpoint_round_trip(tmp_path: Path) -> None:
    torch.manual_seed(1)
    model = build_sequential(SMALL_SPEC).eval()
    record = {"test_accuracy": 0.5, "mean": [0.1, 0.2, 0.3]}
    save_checkpoint(model, SMALL_SPEC, record, tmp_path / "small")
    raw = torch.load(tmp_path / "small.pt", weights_only=True)
    assert raw["spec"] == SMALL_SPEC and raw["record"] == record
    loaded, loaded_record = load_checkpoint(tmp_path / "small.pt")
    assert not loaded.training
    assert loaded_record["test_accuracy"] == 0.5 and loaded_record["spec"] == SMALL_SPEC
    x = torch.randn(3, 3, 8, 8)
    with torch.no_grad():
        torch.testing.assert_close(loaded(x), model(x))


def test_load_pretrained_rejects_unknown_names() -> None:
    with pytest.raises(KeyError, match="cifar10_cnn"):
        load_pretrained("imagenet_resnet")


# --- the shipped model ---------------------------------------------------------------------------


def test_shipped_checkpoint_is_small_and_safe_to_load() -> None:
    assert set(REFERENCE_MODELS) == {"cifar10_cnn"}
    path = WEIGHTS / "cifar10_cnn.pt"
    assert path.stat().st_size < 2_000_000
    checkpoint = torch.load(path, weights_only=True)
    record = json.loads((WEIGHTS / "cifar10_cnn.json").read_text())
    assert checkpoint["record"] == record, "the .json record and the copy in the .pt differ"
    for key in ("data_md5", "train_images", "seed", "epochs", "train_seconds", "test_accuracy",
                "torch_version", "mean", "std"):  # fmt: skip
        assert key in record, f"record lacks {key}"


def test_reference_cnn_is_a_fully_convolutional_classifier() -> None:
    model, record = load_reference_cnn()
    assert not model.training
    convs = [m for m in model.modules() if isinstance(m, nn.Conv2d)]
    assert convs[-1].out_channels == 10
    assert not any(isinstance(m, nn.Linear) for m in model.modules())
    assert sum(p.numel() for p in model.parameters()) == record["parameters"] < 170_000
    with torch.no_grad():
        assert model(torch.randn(2, 3, 64, 64)).shape == (2, 10)


def _notebook_make_cnn() -> nn.Module:
    """``make_cnn()`` as written in the solution notebook's answer cell."""
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    (cell,) = [
        c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "make_cnn"
    ]
    namespace: dict[str, object] = {"nn": nn, "torch": torch, "Residual": Residual}
    exec(cell.source, namespace)
    return namespace["make_cnn"]()


def test_reference_cnn_has_the_notebooks_architecture() -> None:
    model, _ = load_reference_cnn()
    notebook_model = _notebook_make_cnn()
    shipped = [
        (type(m).__name__, tuple(p.shape)) for m in model.modules() for p in m.parameters(False)
    ]
    written = [
        (type(m).__name__, tuple(p.shape))
        for m in notebook_model.modules()
        for p in m.parameters(False)
    ]
    assert shipped == written, (
        "benchmarks/train_reference.py CNN_SPEC and the notebook's make_cnn differ"
    )


@pytest.mark.slow
def test_reference_cnn_reproduces_its_recorded_accuracy(cifar_dir: Path) -> None:
    from in5400lib.data import file_md5, load_cifar10
    from in5400lib.training import Batches, evaluate

    model, record = load_reference_cnn()
    batches_dir = cifar_dir
    if not (batches_dir / "test_batch").exists():
        batches_dir = batches_dir / "cifar-10-batches-py"
    if file_md5(batches_dir / "test_batch") != record["data_md5"]["test_batch"]:
        pytest.skip(
            f"{batches_dir} holds another test batch than the one the record was measured on"
        )
    data = load_cifar10(batches_dir)
    assert len(data.y_test) == record["test_images"]
    mean, std = torch.tensor(record["mean"]), torch.tensor(record["std"])
    measured = evaluate(model, Batches(data.x_test, data.y_test, 500, mean, std)).accuracy
    assert abs(measured - record["test_accuracy"]) <= 0.01, (measured, record["test_accuracy"])


def test_notebook_quotes_the_shipped_models_record() -> None:
    """Notebook 07's text gives the shipped run's epochs, time and accuracies as recorded."""
    record = json.loads((WEIGHTS / "cifar10_cnn.json").read_text(encoding="utf-8"))
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    text = "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
    assert f"{record['epochs']} epochs, {record['train_seconds']:.0f} s" in text
    assert f"{record['test_accuracy']:.1%}" in text
    assert f"{record['test_accuracy_flip_averaged']:.1%}" in text
