"""The correlation stepper: parsing, the written-out sums, and a widget that redraws."""

from __future__ import annotations

import ipywidgets as widgets
import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest

from in5400lib.explorers import base, correlation
from in5400lib.explorers.base import EXPLORER_CLASS, HEADLESS_ENV

matplotlib.use("Agg")

LECTURE_X = np.array([[1, 2, 3, 4], [2, 4, 1, 2], [1, 3, 2, 1], [1, 2, 3, 1]], dtype=float)
LECTURE_W = np.array([[1, 2, 1], [2, 1, 2], [1, 2, 1]], dtype=float)


@pytest.fixture(autouse=True)
def _fresh_memory(monkeypatch):
    """Each test builds the explorer as if for the first time in the kernel."""
    monkeypatch.setattr(base, "_remembered", {})


def test_parse_matrix_reads_rows_with_spaces_or_commas():
    got = correlation.parse_matrix("1 2, 3\n 4,5 6 \n\n")
    np.testing.assert_array_equal(got, [[1, 2, 3], [4, 5, 6]])


@pytest.mark.parametrize(
    ("text", "words"),
    [("", "empty"), ("1 2\n3", "same count"), ("1 x", "'x' is not a number"), ("1 " * 9, "8x8")],
)
def test_parse_matrix_explains_bad_input(text, words):
    with pytest.raises(ValueError, match=words):
        correlation.parse_matrix(text)


def test_lecture_example_sums_match_a_direct_computation():
    rng_free = [
        [float(np.sum(LECTURE_X[i : i + 3, j : j + 3] * LECTURE_W)) for j in range(2)]
        for i in range(2)
    ]
    got = [
        [correlation.sum_of_products(LECTURE_X, LECTURE_W, i, j)[0] for j in range(2)]
        for i in range(2)
    ]
    assert got == rng_free


def test_sum_is_written_out_term_by_term():
    total, text = correlation.sum_of_products(LECTURE_X, LECTURE_W, 0, 0)
    assert text == f"{total:g} = 1*1 + 2*2 + 3*1 + 2*2 + 4*1 + 1*2 + 1*1 + 3*2 + 2*1"
    _, negative = correlation.sum_of_products(np.ones((2, 2)), np.array([[-1.0]]), 1, 1)
    assert negative == "-1 = 1*(-1)"


def test_a_kernel_larger_than_the_input_is_refused_in_words():
    with pytest.raises(ValueError, match="does not fit"):
        correlation.positions(np.ones((2, 5)), np.ones((3, 1)))


def _snapshots(monkeypatch):
    """Record the texts of every figure the explorer shows, instead of showing it."""
    shown: list[list[str]] = []

    def show(*args, **kwargs):
        fig = plt.gcf()
        shown.append(
            [t.get_text() for ax in fig.axes for t in ax.texts] + [t.get_text() for t in fig.texts]
        )
        plt.close(fig)

    monkeypatch.setattr(plt, "show", show)
    return shown


def _find(box, kind):
    found = []
    for child in getattr(box, "children", ()):
        if isinstance(child, kind):
            found.append(child)
        found += _find(child, kind)
    return found


def test_explorer_redraws_when_the_position_moves(monkeypatch, capsys):
    monkeypatch.delenv(HEADLESS_ENV, raising=False)
    shown = _snapshots(monkeypatch)
    box = correlation.correlation_stepper()
    assert EXPLORER_CLASS in box._dom_classes
    (slider,) = _find(box, widgets.IntSlider)
    (play,) = _find(box, widgets.Play)
    slider.value = 0
    capsys.readouterr()
    first = len(shown)
    slider.value = 1
    assert len(shown) == first + 1 and shown[-1] != shown[first - 1]
    assert "z[0, 1]" in shown[-1]
    printed = capsys.readouterr().out
    assert "= 2*1 + 3*2 + 4*1" in printed
    assert slider.max == 3 and play.max == 3


def test_editing_the_input_refits_the_slider_and_explains_errors(monkeypatch, capsys):
    monkeypatch.delenv(HEADLESS_ENV, raising=False)
    shown = _snapshots(monkeypatch)
    box = correlation.correlation_stepper()
    (slider,) = _find(box, widgets.IntSlider)
    x_text, w_text = _find(box, widgets.Textarea)
    x_text.value = "1 2 3 4 5\n6 7 8 9 10\n1 1 1 1 1"
    assert slider.max == 2  # a 3x5 input and a 3x3 kernel: 1 x 3 positions
    slider.value = 2
    assert "z[0, 2]" in shown[-1]
    capsys.readouterr()
    w_text.value = "1\n2\n3\n4"
    assert "does not fit" in capsys.readouterr().out


def test_headless_explorer_draws_nothing_until_a_control_changes(monkeypatch):
    monkeypatch.setenv(HEADLESS_ENV, "1")
    shown = _snapshots(monkeypatch)
    box = correlation.correlation_stepper()
    assert shown == []
    (slider,) = _find(box, widgets.IntSlider)
    slider.value = 1 if slider.value != 1 else 2
    assert len(shown) == 1
