"""Receptive field, effective stride and effective padding of a torch model, layer by layer.

``receptive_field_of(model)`` walks the layers of a convolutional network in
order and reports, after every layer that changes the geometry, three numbers
per axis (Araujo, Norris and Sim, "Computing Receptive Fields of Convolutional
Neural Networks", Distill 2019):

* ``receptive_field`` ``r``: how many input pixels one output unit can see;
* ``stride`` ``S``: how far (in input pixels) the field moves when the output
  index grows by one, the product of the strides so far;
* ``padding`` ``P``: how far the field of output unit 0 reaches past the
  input's top/left border. Output unit ``i`` sees input rows
  ``i * S - P`` to ``i * S - P + r - 1`` (negative rows are padding).

One pass from input to output updates all three; with ``S_prev`` the stride
before a layer of kernel ``F``, stride ``s``, dilation ``d`` and top/left
padding ``p``::

    r = r_prev + d * (F - 1) * S_prev
    P = P_prev + p * S_prev
    S = S_prev * s

Example::

    >>> import torch.nn as nn
    >>> net = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2))
    >>> print(receptive_field_of(net, input_size=32))
    | # | name | layer                  | output | receptive field | stride | padding |
    ...

Supported: ``nn.Conv2d``, ``nn.MaxPool2d``, ``nn.AvgPool2d``, the 2D padding layers
(``nn.ZeroPad2d``, ``nn.ConstantPad2d``, ``nn.ReflectionPad2d``, ``nn.ReplicationPad2d``:
these express TensorFlow's asymmetric ``'SAME'`` padding in torch), nested
``nn.Sequential``, and elementwise layers that leave the geometry alone
(activations, ``BatchNorm2d``, ``Dropout``, ``Identity``, ...). Anything else, for
example ``nn.Linear`` or a residual block whose ``forward`` is not a plain chain,
raises ``TypeError`` naming the layer: pass the convolutional part (``model.features``)
or a ``nn.Sequential`` of the path you care about instead.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

from torch import nn

from in5400lib.models import Residual

__all__ = ["ReceptiveFieldRow", "ReceptiveFieldTable", "receptive_field_of"]

Pair = tuple[int, int]

#: Layers that act pixel by pixel (or channel by channel) and keep the geometry.
PASS_THROUGH: tuple[type[nn.Module], ...] = (
    nn.Identity,
    nn.ReLU,
    nn.ReLU6,
    nn.LeakyReLU,
    nn.PReLU,
    nn.ELU,
    nn.SELU,
    nn.CELU,
    nn.GELU,
    nn.SiLU,
    nn.Mish,
    nn.Sigmoid,
    nn.Tanh,
    nn.Hardtanh,
    nn.Hardswish,
    nn.Hardsigmoid,
    nn.Softplus,
    nn.BatchNorm2d,
    nn.InstanceNorm2d,
    nn.GroupNorm,
    nn.LocalResponseNorm,
    nn.Dropout,
    nn.Dropout2d,
)

#: Padding layers: they move the field's origin, nothing else.
PADDING_LAYERS: tuple[type[nn.Module], ...] = (
    nn.ZeroPad2d,
    nn.ConstantPad2d,
    nn.ReflectionPad2d,
    nn.ReplicationPad2d,
)


@dataclass(frozen=True)
class ReceptiveFieldRow:
    """The geometry after one layer; every pair is ``(height, width)``.

    ``output_size`` is the feature-map size ``(H_out, W_out)`` after this layer, or
    ``None`` when ``receptive_field_of`` was called without an input size.
    """

    index: int
    name: str
    layer: str
    receptive_field: Pair
    stride: Pair
    padding: Pair
    output_size: Pair | None = None


class ReceptiveFieldTable(list[ReceptiveFieldRow]):
    """A list of ``ReceptiveFieldRow`` that prints as a markdown table."""

    @property
    def final(self) -> ReceptiveFieldRow:
        """The last row: the geometry of the model's output."""
        if not self:
            raise ValueError("the model has no layer that changes the receptive field")
        return self[-1]

    def to_markdown(self) -> str:
        """The table in GitHub markdown; a pair prints as one number when square."""
        header = ["#", "name", "layer", "output", "receptive field", "stride", "padding"]
        lines = [
            [
                str(row.index),
                row.name,
                row.layer,
                "-" if row.output_size is None else _format_pair(row.output_size),
                _format_pair(row.receptive_field),
                _format_pair(row.stride),
                _format_pair(row.padding),
            ]
            for row in self
        ]
        widths = [max(len(cell) for cell in column) for column in zip(header, *lines, strict=True)]

        def render(cells: list[str]) -> str:
            padded = (cell.ljust(width) for cell, width in zip(cells, widths, strict=True))
            return "| " + " | ".join(padded) + " |"

        separator = "|" + "|".join("-" * (width + 2) for width in widths) + "|"
        return "\n".join([render(header), separator, *(render(cells) for cells in lines)])

    def __str__(self) -> str:
        return self.to_markdown()

    def _repr_markdown_(self) -> str:
        return self.to_markdown()


@dataclass(frozen=True)
class _Window:
    """A sliding window along both axes: kernel, stride, dilation, top/left padding."""

    kernel: Pair
    stride: Pair
    dilation: Pair
    padding: Pair
    padding_after: Pair
    ceil_mode: bool = False


def receptive_field_of(
    model: nn.Module, input_size: int | tuple[int, int] | None = None
) -> ReceptiveFieldTable:
    """Receptive field, effective stride and effective padding after every layer of ``model``.

    ``model`` is a layer or a (nested) ``nn.Sequential`` that maps ``(N, C, H, W)``
    to ``(N, C', H', W')``. ``input_size`` (``H`` and ``W``, or one int for both) is
    optional: with it each row also reports the feature-map size, and a layer
    whose output would be empty raises ``ValueError``. Layers that keep the
    geometry (activations, normalisation, dropout) get no row.
    """
    size = None if input_size is None else _pair(input_size, "input_size")
    table = ReceptiveFieldTable()
    field, stride, padding = (1, 1), (1, 1), (0, 0)
    for name, layer in _layers_in_order(model, prefix=""):
        window = _window_of(layer, name)
        if window is None:
            continue
        field = tuple(
            r + d * (f - 1) * s
            for r, d, f, s in zip(field, window.dilation, window.kernel, stride, strict=True)
        )
        padding = tuple(
            p_total + p * s for p_total, p, s in zip(padding, window.padding, stride, strict=True)
        )
        stride = tuple(s * s_layer for s, s_layer in zip(stride, window.stride, strict=True))
        if size is not None:
            size = _output_size(size, window, name, layer)
        table.append(
            ReceptiveFieldRow(
                index=len(table),
                name=name,
                layer=_describe(layer, window),
                receptive_field=field,
                stride=stride,
                padding=padding,
                output_size=size,
            )
        )
    return table


def _layers_in_order(module: nn.Module, prefix: str) -> Iterator[tuple[str, nn.Module]]:
    """Yield ``(name, layer)`` for the leaves of nested ``nn.Sequential`` containers.

    A ``Residual`` block (``x + layers(x)``, same shape in and out) is walked through
    its layers: the skip path sees only the centre of what the layer path sees, so
    the sum's receptive field is the layer path's.
    """
    if isinstance(module, Residual):
        yield from _layers_in_order(module.layers, f"{prefix}.layers" if prefix else "layers")
    # A subclass with its own forward may not run its children in order: it is not walked.
    elif isinstance(module, nn.Sequential) and type(module).forward is nn.Sequential.forward:
        for child_name, child in module.named_children():
            yield from _layers_in_order(child, f"{prefix}.{child_name}" if prefix else child_name)
    else:
        yield prefix or type(module).__name__, module


def _window_of(layer: nn.Module, name: str) -> _Window | None:
    """The sliding window of a supported layer, ``None`` for a pass-through layer."""
    if isinstance(layer, PASS_THROUGH):
        return None
    if isinstance(layer, nn.Conv2d):
        padding, padding_after = _conv_padding(layer)
        return _Window(
            kernel=_pair(layer.kernel_size, "kernel_size"),
            stride=_pair(layer.stride, "stride"),
            dilation=_pair(layer.dilation, "dilation"),
            padding=padding,
            padding_after=padding_after,
        )
    if isinstance(layer, nn.MaxPool2d | nn.AvgPool2d):
        padding = _pair(layer.padding, "padding")
        return _Window(
            kernel=_pair(layer.kernel_size, "kernel_size"),
            stride=_pair(layer.stride if layer.stride else layer.kernel_size, "stride"),
            dilation=_pair(getattr(layer, "dilation", 1), "dilation"),
            padding=padding,
            padding_after=padding,
            ceil_mode=bool(layer.ceil_mode),
        )
    if isinstance(layer, PADDING_LAYERS):
        left, right, top, bottom = _pad_amounts(layer.padding)
        return _Window(
            kernel=(1, 1),
            stride=(1, 1),
            dilation=(1, 1),
            padding=(top, left),
            padding_after=(bottom, right),
        )
    supported = "Conv2d, MaxPool2d, AvgPool2d, 2D padding layers, nn.Sequential, Residual"
    raise TypeError(
        f"receptive_field_of cannot follow layer '{name}' of type {type(layer).__name__}: "
        f"supported are {supported} and elementwise layers such as ReLU or BatchNorm2d. "
        "Pass the convolutional part of the model, or an nn.Sequential of the path to follow."
    )


def _conv_padding(conv: nn.Conv2d) -> tuple[Pair, Pair]:
    """Top/left and bottom/right padding of a convolution, also for ``'same'``/``'valid'``."""
    if conv.padding == "valid":
        return (0, 0), (0, 0)
    if conv.padding == "same":
        # torch pads d * (F - 1) in total and puts the odd pixel at the bottom/right.
        totals = [
            d * (f - 1)
            for d, f in zip(
                _pair(conv.dilation, "dilation"), _pair(conv.kernel_size, "k"), strict=True
            )
        ]
        before = (totals[0] // 2, totals[1] // 2)
        return before, (totals[0] - before[0], totals[1] - before[1])
    padding = _pair(conv.padding, "padding")
    return padding, padding


def _pad_amounts(padding: int | tuple[int, ...]) -> tuple[int, int, int, int]:
    """``(left, right, top, bottom)`` of a 2D padding layer."""
    if isinstance(padding, int):
        return padding, padding, padding, padding
    if len(padding) != 4:
        raise ValueError(f"a 2D padding layer needs 4 amounts, got {padding}")
    left, right, top, bottom = (int(p) for p in padding)
    return left, right, top, bottom


def _output_size(size: Pair, window: _Window, name: str, layer: nn.Module) -> Pair:
    """Feature-map size after ``window``, with torch's floor (or ceil) rounding."""
    out = []
    for n, f, s, d, p_before, p_after in zip(
        size,
        window.kernel,
        window.stride,
        window.dilation,
        window.padding,
        window.padding_after,
        strict=True,
    ):
        span = n + p_before + p_after - d * (f - 1) - 1
        steps = math.ceil(span / s) if window.ceil_mode else span // s
        if window.ceil_mode and steps * s >= n + p_before:
            steps -= 1  # torch: the last window must start inside the input or left padding
        out.append(steps + 1)
    if min(out) < 1:
        raise ValueError(
            f"layer '{name}' ({type(layer).__name__}) gets a {size[0]}x{size[1]} input "
            "and would return an empty output: the input is too small for this model"
        )
    return out[0], out[1]


def _describe(layer: nn.Module, window: _Window) -> str:
    """A short label such as ``Conv2d 3x3 s2 d1 p1``."""
    if isinstance(layer, PADDING_LAYERS):
        top, left = window.padding
        bottom, right = window.padding_after
        return f"{type(layer).__name__} (l{left} r{right} t{top} b{bottom})"
    parts = [type(layer).__name__, _format_pair(window.kernel, "x", always=True)]
    parts.append("s" + _format_pair(window.stride))
    if window.dilation != (1, 1):
        parts.append("d" + _format_pair(window.dilation))
    parts.append("p" + _format_pair(window.padding))
    return " ".join(parts)


def _format_pair(pair: Pair, sep: str = "x", always: bool = False) -> str:
    """``(3, 3)`` -> ``'3'`` (or ``'3x3'`` with ``always``), ``(3, 5)`` -> ``'3x5'``."""
    if pair[0] == pair[1] and not always:
        return str(pair[0])
    return f"{pair[0]}{sep}{pair[1]}"


def _pair(value: int | tuple[int, ...] | list[int], what: str) -> Pair:
    """An int or a 2-sequence of ints as ``(height, width)``."""
    if isinstance(value, int):
        return value, value
    items = tuple(int(v) for v in value)
    if len(items) == 1:
        return items[0], items[0]
    if len(items) != 2:
        raise ValueError(f"{what} should be an int or a (height, width) pair, got {value!r}")
    return items[0], items[1]
