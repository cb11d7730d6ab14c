"""Output-size explorer: sliders for N, F, P, S and d, and the window drawn at its start.

The notebook passes the student's own ``output_size`` function, so the text shows what
their function says (the size, or its ``ValueError``) next to the picture of the
padded input with the window at its first position and the cells no window reaches.
"""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
from IPython.display import display

from in5400lib.explorers.base import explorer_box
from in5400lib.plotting import animate_sliding_window, animation_html

__all__ = ["output_size_explorer"]


def describe_output_size(
    output_size: Callable[..., int], n: int, f: int, p: int, s: int, d: int
) -> str:
    """One line: ``output_size(n, f, p=.., s=.., d=..) = k: output k x k``, or its ValueError."""
    call = f"output_size({n}, {f}, p={p}, s={s}, d={d})"
    try:
        size = output_size(n, f, p=p, s=s, d=d)
    except ValueError as error:
        return f"{call} raises ValueError: {error}"
    except NotImplementedError:
        return f"{call}: implement output_size above first"
    return f"{call} = {size}: output {size} x {size}"


def output_size_explorer(output_size: Callable[..., int]) -> widgets.Box:
    """Sliders for an N x N input, an F x F filter, padding P, stride S and dilation d.

    ``output_size(n, f, p=, s=, d=)`` is the function whose answer is printed (the
    notebook passes the student's). The picture shows the padded input with the window
    at its first position; hatched cells are never reached. *animate* plays all positions.
    """
    controls = {
        "n": widgets.IntSlider(7, 3, 11, description="N"),
        "f": widgets.IntSlider(3, 1, 7, description="F"),
        "p": widgets.IntSlider(0, 0, 3, description="P"),
        "s": widgets.IntSlider(2, 1, 4, description="S"),
        "d": widgets.IntSlider(1, 1, 3, description="d"),
        "animate": widgets.Checkbox(False, description="animate"),
    }

    def draw(n: int, f: int, p: int, s: int, d: int, animate: bool) -> None:
        print(describe_output_size(output_size, n, f, p, s, d))
        try:
            anim = animate_sliding_window(
                np.arange(n * n).reshape(n, n), f, stride=s, padding=p, dilation=d
            )
        except ValueError as error:  # the window does not fit at all
            print(error)
            return
        if animate:
            display(animation_html(anim))  # closes its figure
        else:
            plt.show()

    return explorer_box("output-size", controls, draw, title="Output size and the sliding window")
