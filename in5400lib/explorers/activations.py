"""Activation explorer: one image, one layer, and what the network does with them.

Pick a test image (a class and the index of an image of that class) or upload your own
(resized to the network's input size), pick a layer, and see, for the class the network
predicts:

* the image with the predicted and true class,
* the occlusion map (drop of the class probability when a patch is hidden),
* the saliency map (largest absolute input gradient over the colour channels),
* the layer's most active activation maps.

The three computations are the student's own functions from notebook 06, passed in as
arguments, so this module contains no answer to a graded exercise::

    activation_explorer(cnn, data.x_test, data.y_test, classes, mean=..., std=...,
                        activation_maps=activation_maps, occlusion_map=occlusion_map,
                        saliency_map=saliency_map)
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import ipywidgets as widgets
import matplotlib.image
import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.figure import Figure
from torch import nn

from in5400lib.explorers.base import explorer_box
from in5400lib.training import normalize

__all__ = ["activation_explorer", "activation_figure", "decode_image", "resize_image"]

TEST_IMAGE, OWN_IMAGE = "test image", "your image"
#: How many activation maps the figure shows (the most active channels).
MAPS_SHOWN = 6


def resize_image(picture: np.ndarray, size: int = 32) -> np.ndarray:
    """Centre-crop ``picture`` (H, W, C) or (H, W) to a square and average it down to ``size``.

    Values are uint8 (0..255) or float (0..1, as ``matplotlib.image.imread`` gives for
    PNG). Returns uint8 (3, size, size): grey images get three equal channels, an alpha
    channel is dropped. Each output pixel is
    the mean of the input pixels that fall into it (area averaging); an image smaller
    than ``size`` is enlarged by repeating pixels.
    """
    picture = np.asarray(picture)
    x = picture.astype(np.float64)
    if picture.dtype.kind == "f":
        x = x * 255.0
    if x.ndim == 2:
        x = x[:, :, None]
    if x.ndim != 3 or x.shape[2] not in (1, 3, 4):
        raise ValueError(f"expected an image (H, W), (H, W, 3) or (H, W, 4), got {x.shape}")
    x = np.repeat(x, 3, axis=2) if x.shape[2] == 1 else x[:, :, :3]
    side = min(x.shape[:2])
    top, left = (x.shape[0] - side) // 2, (x.shape[1] - side) // 2
    x = x[top : top + side, left : left + side]
    if side < size:  # enlarge: repeat pixels until the image is at least size x size
        x = np.repeat(np.repeat(x, -(-size // side), axis=0), -(-size // side), axis=1)
        side = x.shape[0]
    edges = np.linspace(0, side, size + 1).round().astype(int)[:-1]  # first pixel of every bin
    rows = np.add.reduceat(x, edges, axis=0) / np.diff(np.append(edges, side))[:, None, None]
    out = np.add.reduceat(rows, edges, axis=1) / np.diff(np.append(edges, side))[None, :, None]
    return np.clip(out.round(), 0, 255).astype(np.uint8).transpose(2, 0, 1)


def decode_image(content: bytes, size: int = 32) -> np.ndarray:
    """An uploaded PNG or JPEG file as uint8 (3, size, size) (see ``resize_image``)."""
    head = bytes(content[:8])
    kind = "png" if head.startswith(b"\x89PNG") else "jpg"
    picture = matplotlib.image.imread(io.BytesIO(bytes(content)), format=kind)
    return resize_image(picture, size)


def activation_figure(
    model: nn.Module,
    image: np.ndarray,
    layer_name: str,
    layer: nn.Module,
    classes: Sequence[str],
    *,
    mean: Any,
    std: Any,
    activation_maps: Callable[..., torch.Tensor],
    occlusion_map: Callable[..., np.ndarray],
    saliency_map: Callable[..., np.ndarray],
    label: int | None = None,
    patch: int = 8,
    stride: int = 2,
) -> Figure:
    """The explorer's figure for one uint8 ``image`` (3, H, W) and one ``layer`` of ``model``.

    Top row: the image, the occlusion map (drop of p(predicted class) per patch
    position) and the saliency map of the predicted class. Bottom row: the
    ``MAPS_SHOWN`` channels of ``layer`` with the largest mean activation.
    ``label`` is the true class, if known.
    """
    x = normalize(torch.as_tensor(image)[None], mean, std)  # (1, 3, H, W)
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            probs = torch.softmax(model(x), dim=1)[0]
    finally:
        model.train(was_training)
    predicted = int(probs.argmax())
    drop = float(probs[predicted]) - occlusion_map(
        model, x[0], predicted, patch=patch, stride=stride
    )
    saliency = saliency_map(model, x[0], predicted)
    maps = activation_maps(model, layer, x)[0].numpy()  # (K, h, w) or (K,)
    picture = image.transpose(1, 2, 0)
    height, width = picture.shape[:2]

    mosaic = [["image"] * 2 + ["occlusion"] * 2 + ["saliency"] * 2]
    mosaic.append([f"map{k}" for k in range(MAPS_SHOWN)])
    fig, axes = plt.subplot_mosaic(
        mosaic, figsize=(9, 5), height_ratios=[2, 1], layout="constrained"
    )
    title = f"predicted: {classes[predicted]} (p={probs[predicted]:.2f})"
    if label is not None:
        title += f"\ntrue: {classes[label]}"
    axes["image"].imshow(picture, interpolation="nearest")
    axes["image"].set_title(title, fontsize=9)
    axes["occlusion"].imshow(picture, interpolation="nearest")
    axes["occlusion"].imshow(
        drop,
        cmap="jet",
        alpha=0.5,
        extent=(-0.5, width - 0.5, height - 0.5, -0.5),
        interpolation="nearest",
    )
    axes["occlusion"].set_title(
        f"occlusion: drop of p, {drop.min():+.2f} (blue)\nto {drop.max():+.2f} (red), "
        f"{patch}x{patch} patch, stride {stride}",
        fontsize=9,
    )
    axes["saliency"].imshow(saliency, cmap="jet", interpolation="nearest")
    axes["saliency"].set_title(
        f"saliency of {classes[predicted]}\n(largest |gradient| in red)", fontsize=9
    )

    spatial = maps.ndim == 3
    strength = maps.reshape(len(maps), -1).mean(axis=1)
    top = np.argsort(-strength, kind="stable")[:MAPS_SHOWN]
    for k in range(MAPS_SHOWN):
        ax = axes[f"map{k}"]
        if k < len(top) and spatial:
            ax.imshow(maps[top[k]], cmap="gray", interpolation="nearest", vmin=0)
            ax.set_title(f"ch {int(top[k])}", fontsize=8)
        elif k == 0:
            ax.text(0.5, 0.5, f"{layer_name}:\nno spatial maps", ha="center", va="center")
    size = "x".join(str(n) for n in maps.shape[1:]) if spatial else "1x1"
    axes["map0"].set_ylabel(f"{layer_name}\n{size} maps", fontsize=8)
    for ax in axes.values():
        ax.set_xticks([])
        ax.set_yticks([])
    return fig


def activation_explorer(
    model: nn.Module,
    images: Any,
    labels: Any,
    classes: Sequence[str],
    *,
    mean: Any,
    std: Any,
    activation_maps: Callable[..., torch.Tensor],
    occlusion_map: Callable[..., np.ndarray],
    saliency_map: Callable[..., np.ndarray],
    layers: Mapping[str, nn.Module] | None = None,
) -> widgets.Box:
    """The explorer widget for ``model`` on ``images`` (N, 3, H, W) uint8 with ``labels`` (N,).

    ``mean``/``std`` (3,) normalise the images as the model expects (see
    ``in5400lib.training.normalize``). ``layers`` maps names to modules of ``model``
    to choose from; by default every ``nn.ReLU`` (by its name in ``model.named_modules()``).
    ``activation_maps(model, layer, x)``, ``occlusion_map(model, image, target, patch=,
    stride=)`` and ``saliency_map(model, image, target)`` are the notebook's functions.
    """
    images = np.asarray(images)
    labels = np.asarray(labels)
    if images.ndim != 4 or images.dtype != np.uint8:
        raise ValueError(f"images must be uint8 (N, 3, H, W), got {images.dtype} {images.shape}")
    if layers is None:
        layers = {name: m for name, m in model.named_modules() if isinstance(m, nn.ReLU)}
    if not layers:
        raise ValueError("the model has no nn.ReLU: pass layers={name: module, ...}")
    present = [c for c in range(len(classes)) if (labels == c).any()]
    size = images.shape[-1]
    uploaded: dict[str, np.ndarray] = {}

    source = widgets.ToggleButtons(options=[TEST_IMAGE, OWN_IMAGE], description="image")
    class_name = widgets.Dropdown(options=[classes[c] for c in present], description="class")
    index = widgets.IntSlider(0, 0, 0, description="index", continuous_update=False)
    layer = widgets.Dropdown(options=list(layers), value=list(layers)[-1], description="layer")
    upload = widgets.FileUpload(accept="image/*", multiple=False, description="upload")

    def update_index_range(_change: object = None) -> None:
        index.max = int((labels == list(classes).index(class_name.value)).sum()) - 1

    update_index_range()
    class_name.observe(update_index_range, "value")

    def draw(source: str, class_name: str, index: int, layer: str, upload: Any) -> None:
        if source == OWN_IMAGE:
            if upload:
                uploaded["image"] = decode_image(upload[0]["content"], size)
            if "image" not in uploaded:
                print("Upload a PNG or JPEG image (it is cropped to a square and resized).")
                return
            image, label = uploaded["image"], None
        else:
            c = list(classes).index(class_name)
            position = int(np.flatnonzero(labels == c)[index])
            image, label = images[position], c
        try:
            activation_figure(
                model,
                image,
                layer,
                layers[layer],
                classes,
                mean=mean,
                std=std,
                activation_maps=activation_maps,
                occlusion_map=occlusion_map,
                saliency_map=saliency_map,
                label=label,
            )
        except Exception as error:  # the notebook's functions may be unfinished
            plt.close("all")
            print(f"{type(error).__name__}: {error}")
            print("The explorer runs your activation_maps, occlusion_map and saliency_map:")
            print("finish those exercises (and run their cells) first.")
            return
        plt.show()

    controls = {
        "source": source,
        "class_name": class_name,
        "index": index,
        "layer": layer,
        "upload": upload,
    }
    box = explorer_box(
        "activations", controls, draw, title="Activations, occlusion and saliency", vertical=True
    )
    # after explorer_box restored the remembered values: only a new upload switches the source
    upload.observe(lambda _change: setattr(source, "value", OWN_IMAGE), "value")
    return box
