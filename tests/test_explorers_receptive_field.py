"""The receptive-field explorer: sizes, traces against the library's calculator, the widget."""

from __future__ import annotations

import ipywidgets as widgets
import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
from torch import nn

from in5400lib.explorers import base
from in5400lib.explorers.base import EXPLORER_CLASS, HEADLESS_ENV
from in5400lib.explorers.receptive_field import (
    Layer,
    describe_fit,
    field_bounds,
    layer_sizes,
    receptive_field_explorer,
    trace,
)
from in5400lib.receptive_field import receptive_field_of

matplotlib.use("Agg")


@pytest.fixture(autouse=True)
def _fresh_memory(monkeypatch):
    monkeypatch.setattr(base, "_remembered", {})


def test_three_3x3_layers_give_the_lecture_fields():
    layers = [Layer(3)] * 3
    assert layer_sizes(layers, 9) == [9, 7, 5, 3]
    levels = trace(layers, 9, unit=1)
    assert [len(level) for level in levels] == [7, 5, 3, 1]
    np.testing.assert_array_equal(levels[0], np.arange(1, 8))


def test_stride_below_widens_the_field():
    # the lecture: stride 2 in layer 1 takes layer 2's field from 5 to 7
    assert np.ptp(trace([Layer(3, 2), Layer(3)], 15, unit=0)[0]) + 1 == 7
    assert np.ptp(trace([Layer(3), Layer(3)], 15, unit=0)[0]) + 1 == 5


def _torch_stack(layers):
    return nn.Sequential(
        *[
            nn.Conv2d(1, 1, (lay.kernel, 1), stride=(lay.stride, 1), dilation=(lay.dilation, 1),
                      padding=(lay.padding, 0), device="meta")
            for lay in layers
        ]
    )  # fmt: skip


def test_traces_agree_with_the_library_calculator_on_random_stacks():
    rng = np.random.default_rng(14)
    checked = 0
    while checked < 40:
        layers = [
            Layer(*(int(v) for v in rng.integers([1, 1, 1, 0], [6, 4, 4, 3])))
            for _ in range(int(rng.integers(1, 5)))
        ]
        try:
            sizes = layer_sizes(layers, 40)
        except ValueError:
            continue
        table = receptive_field_of(_torch_stack(layers), input_size=(40, 1))
        final = table.final
        for unit in (0, sizes[-1] - 1):
            first, last = field_bounds(layers, unit)
            assert last - first + 1 == final.receptive_field[0]
            assert first == unit * final.stride[0] - final.padding[0]
            field = trace(layers, 40, unit)[0]  # what the unit really depends on lies inside
            assert field.size == 0 or (first <= field.min() and field.max() <= last)
        assert sizes[1:] == [row.output_size[0] for row in table]
        checked += 1


def test_without_padding_the_trace_fills_the_field_ends():
    layers = [Layer(3, 2), Layer(2, 1, 3), Layer(3)]
    for unit in range(layer_sizes(layers, 30)[-1]):
        field = trace(layers, 30, unit)[0]
        assert (field.min(), field.max()) == field_bounds(layers, unit)


def test_padding_cells_are_traced_but_not_followed():
    levels = trace([Layer(3, padding=1), Layer(3, padding=1)], 5, unit=0)
    assert levels[1].tolist() == [-1, 0, 1]  # -1 is layer 2's zero padding
    assert levels[0].tolist() == [-1, 0, 1, 2]  # only units 0 and 1 of layer 1 look further


def test_invalid_stacks_are_explained_in_words():
    with pytest.raises(ValueError, match="layer 2 does not fit.*spans D \\(F - 1\\) \\+ 1 = 9"):
        layer_sizes([Layer(3, 2), Layer(5, dilation=2)], 9)
    with pytest.raises(ValueError, match="stride and dilation must be at least 1"):
        layer_sizes([Layer(3, 0)], 9)
    notes = describe_fit([Layer(3, 3)], 7)
    assert len(notes) == 1 and "2.33" in notes[0] and "never read" in notes[0]
    assert describe_fit([Layer(3, 2)], 7) == []


def _snapshots(monkeypatch):
    shown: list[list[str]] = []

    def show(*args, **kwargs):
        fig = plt.gcf()
        texts = [t.get_text() for ax in fig.axes for t in ax.texts]
        shown.append(texts + [ax.get_title(loc="left") for ax in fig.axes])
        plt.close(fig)

    monkeypatch.setattr(plt, "show", show)
    return shown


def _sliders(box):
    found = []
    for child in getattr(box, "children", ()):
        if isinstance(child, widgets.IntSlider):
            found.append(child)
        found += _sliders(child)
    return found


def test_explorer_redraws_when_the_unit_or_a_layer_changes(monkeypatch, capsys):
    monkeypatch.delenv(HEADLESS_ENV, raising=False)
    shown = _snapshots(monkeypatch)
    box = receptive_field_explorer()
    assert EXPLORER_CLASS in box._dom_classes
    sliders = _sliders(box)
    unit, n_layers, size = sliders[:3]
    assert (unit.description, n_layers.description) == ("output unit", "layers")
    before = len(shown)
    unit.value = 2
    assert len(shown) == before + 1 and shown[-1] != shown[-2]
    assert any("unit 2 of layer 3" in text for text in shown[-1])
    layer1_kernel = sliders[3]
    layer1_kernel.value = 5
    assert any("layer 1: F=5" in text for text in shown[-1])
    assert sliders[-1].disabled  # layer 4 is unused with 3 layers
    size.value = 4
    assert "cannot run" in capsys.readouterr().out


def test_unit_slider_follows_the_size_of_the_last_layer(monkeypatch):
    monkeypatch.setenv(HEADLESS_ENV, "1")
    _snapshots(monkeypatch)
    box = receptive_field_explorer()
    unit, n_layers, size = _sliders(box)[:3]
    size.value = 30
    n_layers.value = 1
    assert unit.max == 27  # one 3x3 layer on 30 units
