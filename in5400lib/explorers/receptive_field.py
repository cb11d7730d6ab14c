"""Receptive-field explorer: choose a stack of 1-D layers and an output unit, see its field.

In the spirit of Araujo, Norris and Sim, "Computing Receptive Fields of Convolutional
Neural Networks" (Distill, 2019): up to four layers, each with kernel size F, stride S,
dilation D and zero padding P; a slider picks a unit of the last layer, and the units it
depends on are highlighted in every layer down to the input (padding cells in grey, the
kernel taps as lines). Set-ups that cannot run (a window larger than the padded layer
below) are explained in words, and so are windows that leave units unread.

Along one axis; a 2-D layer with square kernels behaves the same along each axis.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.patches import Rectangle

from in5400lib.explorers.base import explorer_box
from in5400lib.plotting import HIGHLIGHT, PADDING_COLOR

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "Layer",
    "describe_fit",
    "field_bounds",
    "layer_sizes",
    "receptive_field_explorer",
    "trace",
]

MAX_LAYERS = 4
ROW = 2.0  # vertical distance between the layers' rows, in cell widths
CELL = 0.8  # side of a unit's square


@dataclass(frozen=True)
class Layer:
    """One 1-D convolution (or pooling) layer: kernel size, stride, dilation, zero padding."""

    kernel: int
    stride: int = 1
    dilation: int = 1
    padding: int = 0

    @property
    def span(self) -> int:
        """Units of the layer below that one window covers: D (F - 1) + 1."""
        return self.dilation * (self.kernel - 1) + 1

    def __str__(self) -> str:
        return f"F={self.kernel} S={self.stride} D={self.dilation} P={self.padding}"


def layer_sizes(layers: list[Layer], input_size: int) -> list[int]:
    """Number of units of the input and after each layer: [n_0, n_1, ..., n_L].

    n_k = floor((n_{k-1} + 2 P - D (F - 1) - 1) / S) + 1. Raises ValueError, in words,
    for a value out of range or a window that does not fit in the padded layer below.
    """
    if input_size < 1:
        raise ValueError(f"the input needs at least one unit, got {input_size}")
    sizes = [input_size]
    for k, layer in enumerate(layers, start=1):
        if min(layer.kernel, layer.stride, layer.dilation) < 1 or layer.padding < 0:
            raise ValueError(
                f"layer {k}: kernel size, stride and dilation must be at least 1 and the "
                f"padding at least 0, got {layer}"
            )
        room = sizes[-1] + 2 * layer.padding
        if layer.span > room:
            below = "the input" if k == 1 else f"layer {k - 1}"
            raise ValueError(
                f"layer {k} does not fit: its window spans D (F - 1) + 1 = {layer.span} units, "
                f"but {below} has only {sizes[-1]} units"
                + (f" ({room} with the padding)" if layer.padding else "")
                + ". Use a smaller kernel or dilation, more padding, a larger input, "
                "or a smaller stride in the layers below"
            )
        sizes.append((room - layer.span) // layer.stride + 1)
    return sizes


def describe_fit(layers: list[Layer], input_size: int) -> list[str]:
    """Sentences about set-ups that run but waste something (empty list when all is well).

    Two cases: the stride does not tile the padded layer below, so its last units are
    never read (the lecture's 3x3 window with stride 3 on 7 units), and padding so wide
    that a window can hold nothing but padding.
    """
    notes = []
    sizes = layer_sizes(layers, input_size)
    for k, (layer, n) in enumerate(zip(layers, sizes, strict=False), start=1):
        room = n + 2 * layer.padding
        unused = (room - layer.span) % layer.stride
        if unused:
            positions = (room - layer.span) / layer.stride + 1
            notes.append(
                f"layer {k}: (n + 2P - span) / S + 1 = ({n} + {2 * layer.padding} - "
                f"{layer.span}) / {layer.stride} + 1 = {positions:.2f} is not a whole number, "
                f"so the stride does not fit: the last {unused} unit(s) of the padded layer "
                f"below are never read"
            )
        if layer.padding >= layer.span:
            notes.append(
                f"layer {k}: the padding P={layer.padding} is at least the window's span "
                f"{layer.span}, so its first and last windows see only zeros"
            )
    return notes


def trace(layers: list[Layer], input_size: int, unit: int) -> list[np.ndarray]:
    """Units that output ``unit`` of the last layer depends on, per layer, input first.

    Returns L + 1 sorted int arrays (input first, the last holds ``unit``). Indices are in
    each layer's own numbering; an index below 0 or at least that layer's size is a zero
    padding cell of the next layer (padding depends on nothing below it).
    """
    sizes = layer_sizes(layers, input_size)
    if not 0 <= unit < sizes[-1]:
        raise ValueError(f"the last layer has units 0 to {sizes[-1] - 1}, got unit {unit}")
    levels = [np.array([unit])]
    for k in range(len(layers), 0, -1):
        layer = layers[k - 1]
        above = levels[0]
        real = above[(above >= 0) & (above < sizes[k])]
        taps = np.arange(layer.kernel) * layer.dilation - layer.padding
        levels.insert(0, np.unique((real[:, None] * layer.stride + taps[None, :]).ravel()))
    return levels


def field_bounds(layers: list[Layer], unit: int) -> tuple[int, int]:
    """First and last input position (padding included) in the field of ``unit`` of the last layer.

    The theoretical receptive field: R = 1 + sum_k (D_k (F_k - 1)) prod_{i<k} S_i input
    positions starting at ``unit * prod S - P_eff``, where P_eff = sum_k P_k prod_{i<k} S_i
    (Araujo et al. 2019). Positions below 0 or past the input lie in the zero padding.
    """
    field, jump, padding = 1, 1, 0
    for layer in layers:
        field += (layer.span - 1) * jump
        padding += layer.padding * jump
        jump *= layer.stride
    start = unit * jump - padding
    return start, start + field - 1


def _centres(layers: list[Layer]) -> list[tuple[float, float]]:
    """(start, jump) per layer, input first: unit j of layer k is drawn at start + j * jump.

    A unit sits above the centre of the input pixels its window covers.
    """
    placement = [(0.0, 1.0)]
    for layer in layers:
        start, jump = placement[-1]
        start += (-layer.padding + (layer.span - 1) / 2) * jump
        placement.append((start, jump * layer.stride))
    return placement


def draw_field(layers: list[Layer], input_size: int, unit: int) -> Figure:
    """Stack of 1-D layers (input at the bottom) with the field of ``unit`` highlighted."""
    sizes = layer_sizes(layers, input_size)
    levels = trace(layers, input_size, unit)
    placement = _centres(layers)
    first, last = field_bounds(layers, unit)
    pad_left = max(0, -first)
    pad_right = max(0, last - (input_size - 1))
    left = -max(pad_left, max((lay.padding for lay in layers), default=0)) - 1
    right = input_size + max(pad_right, max((lay.padding for lay in layers), default=0))
    fig, ax = plt.subplots(figsize=(min(16.0, 0.3 * (right - left + 12)), 0.62 * len(layers) + 1.4))
    segments = []
    for k, (n, used) in enumerate(zip(sizes, levels, strict=True)):
        start, jump = placement[k]
        padding = layers[k].padding if k < len(layers) else 0
        y = ROW * k
        for j in range(-padding, n + padding):
            is_pad = not 0 <= j < n
            lit = j in used
            face = (0.75, 0.75, 0.75) if is_pad and lit else PADDING_COLOR if is_pad else "white"
            face = HIGHLIGHT if lit and not is_pad else face
            ax.add_patch(
                Rectangle(
                    (start + j * jump - CELL / 2, y - CELL / 2), CELL, CELL,
                    fc=face, ec="0.4", lw=0.8, ls="--" if is_pad else "-",
                )
            )  # fmt: skip
        if k > 0:
            layer = layers[k - 1]
            below_start, below_jump = placement[k - 1]
            for j in used[(used >= 0) & (used < n)]:
                for t in range(layer.kernel):
                    src = j * layer.stride - layer.padding + t * layer.dilation
                    segments.append(
                        [
                            (start + j * jump, y - CELL / 2),
                            (below_start + src * below_jump, y - ROW + CELL / 2),
                        ]
                    )
        label = "input" if k == 0 else f"layer {k}: {layers[k - 1]}"
        ax.text(right + 0.8, y, f"{label}  ({n} units)", va="center", fontsize=9)
    outer = layers[0].padding if layers else 0
    for j in range(first, last + 1):  # field positions beyond the input's own padding
        if j < -outer or j >= input_size + outer:
            ax.add_patch(
                Rectangle(
                    (j - CELL / 2, -CELL / 2), CELL, CELL, fill=False, ec="0.7", lw=0.6, ls=":"
                )
            )
    ax.add_collection(LineCollection(segments, colors=HIGHLIGHT, linewidths=0.7, alpha=0.8))
    ax.annotate(
        "", xy=(first - 0.45, -0.75), xytext=(last + 0.45, -0.75),
        arrowprops={"arrowstyle": "|-|", "color": "tab:red", "lw": 1.2},
    )  # fmt: skip
    field = levels[0]
    real = int(np.count_nonzero((field >= 0) & (field < input_size)))
    title = (
        f"unit {unit} of layer {len(layers)}: receptive field R = {last - first + 1} "
        f"(input positions {first} to {last}, red bar); it depends on {real} input pixels"
    )
    ax.set_title(title, loc="left", fontsize=11)
    ax.set_xlim(left - 0.6, right + 9)
    ax.set_ylim(-1.1, ROW * len(layers) + 0.6)
    ax.set_aspect("equal")
    ax.set_axis_off()
    fig.tight_layout()
    return fig


def receptive_field_explorer() -> widgets.Box:
    """The explorer: per-layer F/S/D/P sliders, the number of layers, the input size, a unit.

    Returns the widget (end the notebook cell with this call to show it).
    """
    defaults = [(3, 1, 1, 0), (3, 2, 1, 0), (3, 1, 2, 0), (3, 1, 1, 0)]
    slider = {"layout": widgets.Layout(width="190px"), "style": {"description_width": "20px"}}
    per_layer = {}
    for k, (f, s, d, p) in enumerate(defaults, start=1):
        per_layer[f"f{k}"] = widgets.IntSlider(value=f, min=1, max=7, description="F", **slider)
        per_layer[f"s{k}"] = widgets.IntSlider(value=s, min=1, max=4, description="S", **slider)
        per_layer[f"d{k}"] = widgets.IntSlider(value=d, min=1, max=4, description="D", **slider)
        per_layer[f"p{k}"] = widgets.IntSlider(value=p, min=0, max=4, description="P", **slider)
    wide = {"style": {"description_width": "90px"}, "layout": widgets.Layout(width="380px")}
    unit = widgets.IntSlider(value=0, min=0, max=10, description="output unit", **wide)
    n_layers = widgets.IntSlider(value=3, min=1, max=MAX_LAYERS, description="layers", **wide)
    input_size = widgets.IntSlider(value=23, min=4, max=48, description="input size", **wide)

    def current(values: dict) -> tuple[list[Layer], int]:
        layers = [
            Layer(values[f"f{k}"], values[f"s{k}"], values[f"d{k}"], values[f"p{k}"])
            for k in range(1, values["n_layers"] + 1)
        ]
        return layers, values["input_size"]

    controls = {"unit": unit, "n_layers": n_layers, "input_size": input_size, **per_layer}

    def fit_unit(_change: object = None) -> None:
        try:
            sizes = layer_sizes(*current({k: c.value for k, c in controls.items()}))
        except ValueError:
            return
        unit.max = sizes[-1] - 1
        if unit.value > unit.max:
            unit.value = unit.max

    def dim_unused(_change: object = None) -> None:
        for key, control in per_layer.items():
            control.disabled = int(key[1:]) > n_layers.value

    n_layers.observe(dim_unused, "value")
    dim_unused()
    fit_unit()
    for key, control in controls.items():  # before explorer_box's observers: fit, then draw
        if key != "unit":
            control.observe(fit_unit, "value")

    def draw(unit: int, **values: int) -> None:
        layers, size = current(values)
        try:
            sizes = layer_sizes(layers, size)
        except ValueError as error:
            print(f"This stack cannot run: {error}.")
            return
        unit = min(unit, sizes[-1] - 1)
        draw_field(layers, size, unit)
        plt.show()
        for note in describe_fit(layers, size):
            print(f"Note: {note}.")

    box = explorer_box(
        "receptive_field",
        controls,
        draw,
        title="Receptive field through a stack of 1-D layers (F kernel, S stride, D dilation, "
        "P padding)",
        vertical=True,
    )
    rows = [widgets.HBox([unit]), widgets.HBox([n_layers, input_size])]
    for k in range(1, MAX_LAYERS + 1):
        name = widgets.HTML(f"<b>layer {k}</b>", layout=widgets.Layout(width="60px"))
        rows.append(widgets.HBox([name, *(per_layer[f"{c}{k}"] for c in "fsdp")]))
    _arrange(box, list(controls.values()), rows)
    return box


def _arrange(box: widgets.Box, controls: list[widgets.Widget], rows: list[widgets.Box]) -> None:
    """Replace the explorer's plain column of ``controls`` by ``rows`` (the same controls)."""
    for child in box.children:
        if isinstance(child, widgets.Box):
            if list(child.children) == controls:
                child.children = tuple(rows)
                return
            _arrange(child, controls, rows)
