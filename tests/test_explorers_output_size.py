"""The output-size explorer builds, prints the given function's answer and redraws."""

from __future__ import annotations

import ipywidgets as widgets
from explorer_drawings import drawings  # noqa: F401  (fixture)

from in5400lib.explorers.base import EXPLORER_CLASS
from in5400lib.explorers.output_size import describe_output_size, output_size_explorer


def reference_output_size(n, f, p=0, s=1, d=1):
    span = n - (d * (f - 1) + 1) + 2 * p
    if span < 0 or span % s:
        raise ValueError(f"({n} - {f} + 2*{p})/{s} + 1 does not fit")
    return span // s + 1


def sliders(box: widgets.Widget) -> dict[str, widgets.Widget]:
    found, stack = {}, [box]
    while stack:
        widget = stack.pop()
        if isinstance(widget, widgets.IntSlider | widgets.Checkbox):
            found[widget.description] = widget
        stack.extend(getattr(widget, "children", ()))
    return found


def test_describes_sizes_and_errors():
    assert describe_output_size(reference_output_size, 7, 3, 0, 2, 1).endswith("= 3: output 3 x 3")
    assert "raises ValueError" in describe_output_size(reference_output_size, 7, 3, 0, 3, 1)


def test_builds_and_redraws_on_a_slider_change(drawings, capsys):  # noqa: F811
    box = output_size_explorer(reference_output_size)
    assert EXPLORER_CLASS in box._dom_classes
    assert len(drawings.figures) == 1
    assert "output_size(7, 3, p=0, s=2, d=1) = 3" in capsys.readouterr().out
    sliders(box)["S"].value = 1
    assert len(drawings.figures) == 2 and drawings.figures[0] != drawings.figures[1]
    assert "= 5: output 5 x 5" in capsys.readouterr().out
    sliders(box)["S"].value = 3  # does not fit: the error is printed, the window still drawn
    assert "raises ValueError" in capsys.readouterr().out


def test_says_what_to_do_before_the_exercise_is_done():
    def not_done(n, f, p=0, s=1, d=1):
        raise NotImplementedError()

    assert "implement output_size" in describe_output_size(not_done, 7, 3, 0, 1, 1)
