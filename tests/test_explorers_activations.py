"""Tests of the activation explorer: built on a tiny model, it draws and reacts to its controls."""

from __future__ import annotations

import datetime
import io

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
from torch import nn

from in5400lib.explorers import activations, base
from in5400lib.explorers.activations import (
    OWN_IMAGE,
    activation_explorer,
    decode_image,
    resize_image,
)

CLASSES = ("plane", "car", "bird")


def _tiny_model() -> nn.Sequential:
    torch.manual_seed(0)
    return nn.Sequential(
        nn.Conv2d(3, 4, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(4, 5, 3, padding=1),
        nn.ReLU(),
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
        nn.Linear(5, len(CLASSES)),
    ).eval()


def _images() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(7, 3, 16, 16), dtype=np.uint8)
    return images, np.array([0, 1, 2, 0, 1, 0, 2])


class _Calls:
    """The notebook's three functions, simple enough for a test, recording their calls."""

    def __init__(self) -> None:
        self.names: list[str] = []

    def activation_maps(self, model, layer, x):
        self.names.append("activation_maps")
        captured = []
        handle = layer.register_forward_hook(lambda m, i, o: captured.append(o.detach().clone()))
        try:
            with torch.no_grad():
                model(x)
        finally:
            handle.remove()
        return captured[0]

    def occlusion_map(self, model, image, target, patch=8, stride=4):
        self.names.append("occlusion_map")
        rows = (image.shape[1] - patch) // stride + 1
        cols = (image.shape[2] - patch) // stride + 1
        out = np.zeros((rows, cols))
        for i in range(rows):
            for j in range(cols):
                x = image.clone()
                x[:, i * stride : i * stride + patch, j * stride : j * stride + patch] = 0
                with torch.no_grad():
                    out[i, j] = torch.softmax(model(x[None]), dim=1)[0, target]
        return out

    def saliency_map(self, model, image, target):
        self.names.append("saliency_map")
        x = image.detach().clone()[None].requires_grad_(True)
        (grad,) = torch.autograd.grad(model(x)[0, target], x)
        return grad[0].abs().amax(dim=0).numpy()


@pytest.fixture(autouse=True)
def one_thread():
    """Tiny models: one thread avoids waiting for busy cores (as the notebooks do)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture
def drawn(monkeypatch):
    """A fingerprint of every figure the explorer shows (its pictures and titles), without
    rendering it; not headless, and a fresh memory of control values."""
    monkeypatch.setenv(base.HEADLESS_ENV, "0")
    monkeypatch.setattr(base, "_remembered", {})
    matplotlib.use("Agg")
    pictures: list[bytes] = []

    def show() -> None:
        fig = plt.gcf()
        parts = [ax.get_title().encode() for ax in fig.axes]
        parts += [np.asarray(image.get_array()).tobytes() for ax in fig.axes for image in ax.images]
        plt.close("all")
        pictures.append(b"|".join(parts))

    monkeypatch.setattr(plt, "show", show)
    return pictures


def _build(calls: _Calls, **kwargs):
    images, labels = _images()
    return activation_explorer(
        _tiny_model(),
        images,
        labels,
        CLASSES,
        mean=[0.5, 0.5, 0.5],
        std=[0.25, 0.25, 0.25],
        activation_maps=calls.activation_maps,
        occlusion_map=calls.occlusion_map,
        saliency_map=calls.saliency_map,
        **kwargs,
    )


def _controls(box) -> dict[str, object]:
    """The explorer's controls by their description."""
    body = box.children[-1]
    panel = body.children[0]
    return {control.description: control for control in panel.children}


def test_draws_with_the_notebooks_functions_and_reacts_to_every_control(drawn):
    calls = _Calls()
    box = _build(calls)
    assert "in5400-explorer-activations" in box._dom_classes
    assert len(drawn) == 1, "the explorer should draw once when built"
    assert set(calls.names) == {"activation_maps", "occlusion_map", "saliency_map"}
    controls = _controls(box)
    controls["layer"].value = "1"  # the first ReLU
    controls["class"].value = "car"
    assert controls["index"].max == 1, "the index slider covers the 2 cars"
    controls["index"].value = 1
    assert len(drawn) == 4
    assert len(set(drawn)) == 4, "every control change should change the picture"


def test_keeps_its_state_when_built_again(drawn):
    box = _build(_Calls())
    _controls(box)["class"].value = "car"
    _controls(box)["index"].value = 1
    again = _controls(_build(_Calls()))
    assert (again["class"].value, again["index"].value) == ("car", 1)


def test_headless_builds_without_drawing(monkeypatch):
    monkeypatch.setenv(base.HEADLESS_ENV, "1")
    calls = _Calls()
    box = _build(calls)
    assert calls.names == [], "nothing should be computed while headless"
    assert "in5400-explorer" in box._dom_classes


def test_uploaded_image_is_decoded_resized_and_drawn(drawn):
    calls = _Calls()
    box = _build(calls)
    picture = np.zeros((40, 60, 3))
    picture[:, 30:] = 1.0  # right half white: after the centre crop, the right 20 of 40 columns
    buffer = io.BytesIO()
    plt.imsave(buffer, picture, format="png")
    decoded = decode_image(buffer.getvalue(), 16)
    assert decoded.shape == (3, 16, 16) and decoded.dtype == np.uint8
    np.testing.assert_array_equal(decoded[:, :, :8], 0)
    np.testing.assert_array_equal(decoded[:, :, 8:], 255)
    controls = _controls(box)
    before = len(drawn)
    controls["upload"].value = (
        {
            "name": "x.png",
            "type": "image/png",
            "size": len(buffer.getvalue()),
            "content": memoryview(buffer.getvalue()),
            "last_modified": datetime.datetime.now(datetime.UTC),
        },
    )
    assert len(drawn) > before, "an upload should be drawn"
    assert controls["image"].value == OWN_IMAGE, "an upload should switch to your image"
    controls["image"].value = "test image"
    again = _controls(_build(_Calls()))
    assert again["image"].value == "test image", "a re-run keeps the chosen source"


def test_an_unfinished_exercise_gives_a_message_not_a_traceback(drawn, capsys):
    calls = _Calls()

    def unfinished(model, image, target):
        raise NotImplementedError()

    calls.saliency_map = unfinished
    _build(calls)
    assert drawn == [], "nothing should be shown"
    assert "finish those exercises" in capsys.readouterr().out


def test_resize_image_averages_blocks_and_handles_grey_and_small_images():
    picture = np.arange(16, dtype=np.uint8).reshape(4, 4)
    small = resize_image(picture, 2)
    assert small.shape == (3, 2, 2)
    np.testing.assert_array_equal(small[0], [[2, 4], [10, 12]])  # means of the 2x2 blocks, rounded
    np.testing.assert_array_equal(small[0], small[2])
    big = resize_image(np.ones((3, 3, 4)), 8)  # float RGBA in 0..1, enlarged
    assert big.shape == (3, 8, 8)
    np.testing.assert_array_equal(big, 255)
    with pytest.raises(ValueError):
        resize_image(np.zeros((4, 4, 2)))


def test_rejects_float_images_and_models_without_relu():
    calls = _Calls()
    images, labels = _images()
    with pytest.raises(ValueError, match="uint8"):
        activation_explorer(
            _tiny_model(),
            images.astype(np.float32),
            labels,
            CLASSES,
            mean=[0.5] * 3,
            std=[0.25] * 3,
            activation_maps=calls.activation_maps,
            occlusion_map=calls.occlusion_map,
            saliency_map=calls.saliency_map,
        )
    with pytest.raises(ValueError, match="ReLU"):
        activation_explorer(
            nn.Sequential(nn.Flatten(), nn.Linear(768, 3)),
            images,
            labels,
            CLASSES,
            mean=[0.5] * 3,
            std=[0.25] * 3,
            activation_maps=calls.activation_maps,
            occlusion_map=calls.occlusion_map,
            saliency_map=calls.saliency_map,
        )


def test_the_module_holds_no_answers():
    source = open(activations.__file__).read()
    assert "register_forward_hook" not in source
    assert "autograd" not in source
