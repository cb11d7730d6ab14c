"""The pooling explorer builds, draws the student's functions' results and redraws."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
import pytest
import torch
from explorer_drawings import drawings  # noqa: F401  (fixture)

from in5400lib.explorers.base import EXPLORER_CLASS
from in5400lib.explorers.pooling import pooling_explorer, pooling_windows


def torch_pool(kind):
    pool = getattr(torch.nn.functional, f"{kind}_pool2d")

    def forward(x, size, stride=None):
        return pool(torch.from_numpy(np.asarray(x, float)), size, stride).numpy()

    def backward(dout, x, size, stride=None):
        xt = torch.from_numpy(np.asarray(x, float)).requires_grad_()
        pool(xt, size, stride).backward(torch.from_numpy(np.asarray(dout, float)))
        return xt.grad.numpy()

    return forward, backward


MAX, AVG = torch_pool("max"), torch_pool("avg")


def controls(box: widgets.Widget) -> dict[str, widgets.Widget]:
    found, stack = {}, [box]
    while stack:
        widget = stack.pop()
        if isinstance(widget, widgets.ValueWidget):
            found[widget.description] = widget
        stack.extend(getattr(widget, "children", ()))
    return found


def test_windows_follow_the_fit_rule():
    assert pooling_windows(6, 6, 2, 2) == [(r, c) for r in (0, 2, 4) for c in (0, 2, 4)]
    assert len(pooling_windows(6, 4, 3, 1)) == 4 * 2
    with pytest.raises(ValueError, match="does not fit"):
        pooling_windows(6, 6, 4, 3)


def test_builds_and_redraws_on_control_changes(drawings, capsys):  # noqa: F811
    box = pooling_explorer(MAX[0], AVG[0], MAX[1], AVG[1], image=np.zeros((16, 16)))
    assert EXPLORER_CLASS in box._dom_classes
    found = controls(box)
    assert found["window"].max == 8  # 3 x 3 windows on the 6x6 matrix
    assert "9 of 36 inputs get gradient" in capsys.readouterr().out  # one maximum per window
    found["pooling"].value = "average"
    assert "36 of 36 inputs get gradient" in capsys.readouterr().out
    found["stride"].value = 1  # overlapping windows: 5 x 5 of them
    assert found["window"].max == 24
    found["window"].value = 7
    assert len(drawings.figures) == 4 and len(set(drawings.figures)) == 4
    found["size"].value = 4
    found["stride"].value = 3  # (6 - 4)/3 + 1 is not whole
    assert "does not fit" in capsys.readouterr().out
