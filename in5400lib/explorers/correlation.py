"""Correlation stepper: move a kernel over a small input one position at a time.

``correlation_stepper()`` shows the input with the current window highlighted, the kernel,
and the output filled up to the current position, and writes the current output value out
as a sum of products (``27 = 1*1 + 2*2 + ...``). A slider (arrow keys work on it) and a
play button move the window; the input and the kernel are text boxes the student can edit,
and a drop-down fills them with a few prepared examples (the lecture's first).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Rectangle

from in5400lib.explorers.base import explorer_box
from in5400lib.plotting import HIGHLIGHT, _cell_grid_style, _panel_row

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["EXAMPLES", "correlation_stepper", "draw_step", "parse_matrix", "sum_of_products"]

#: Prepared inputs and kernels (as text, one row per line). The first is the lecture's.
EXAMPLES: dict[str, tuple[str, str]] = {
    "lecture: 4x4 input, 3x3 kernel": (
        "1 2 3 4\n2 4 1 2\n1 3 2 1\n1 2 3 1",
        "1 2 1\n2 1 2\n1 2 1",
    ),
    "vertical edge on a step": (
        "0 0 0 9 9 9\n0 0 0 9 9 9\n0 0 0 9 9 9\n0 0 0 9 9 9",
        "-1 0 1\n-1 0 1\n-1 0 1",
    ),
    "non-square: 3x5 input, 2x3 kernel": (
        "1 0 2 0 1\n3 1 0 1 2\n0 2 1 3 0",
        "1 -1 0\n0 2 1",
    ),
}

MAX_SIDE = 8  # larger inputs do not fit the picture


def parse_matrix(text: str, name: str = "the matrix") -> np.ndarray:
    """Read a matrix written as rows of numbers (spaces or commas between them).

    Returns a float array of shape (rows, cols). Raises ValueError, with a sentence a
    student can act on, for an empty text, a word that is not a number, rows of different
    lengths, or more than ``MAX_SIDE`` rows or columns.
    """
    rows = [line.replace(",", " ").split() for line in text.strip().splitlines()]
    rows = [row for row in rows if row]
    if not rows:
        raise ValueError(f"{name} is empty: write one row of numbers per line")
    values = []
    for r, row in enumerate(rows, start=1):
        try:
            values.append([float(v) for v in row])
        except ValueError:
            bad = next(v for v in row if not _is_number(v))
            raise ValueError(f"{name}, row {r}: {bad!r} is not a number") from None
    lengths = {len(row) for row in values}
    if len(lengths) > 1:
        raise ValueError(
            f"{name}: the rows have {sorted(lengths)} numbers; every row needs the same count"
        )
    matrix = np.array(values)
    if max(matrix.shape) > MAX_SIDE:
        raise ValueError(
            f"{name} is {matrix.shape[0]}x{matrix.shape[1]}: keep it to {MAX_SIDE}x{MAX_SIDE}"
        )
    return matrix


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _fmt(value: float) -> str:
    return f"{value:g}"


def positions(x: np.ndarray, w: np.ndarray) -> tuple[int, int]:
    """Output shape (H - F_h + 1, W - F_w + 1) of a valid correlation; ValueError if w is larger."""
    out_h, out_w = x.shape[0] - w.shape[0] + 1, x.shape[1] - w.shape[1] + 1
    if out_h < 1 or out_w < 1:
        raise ValueError(
            f"the {w.shape[0]}x{w.shape[1]} kernel does not fit in the "
            f"{x.shape[0]}x{x.shape[1]} input: a valid correlation needs a kernel no larger "
            f"than the input in both directions"
        )
    return out_h, out_w


def sum_of_products(x: np.ndarray, w: np.ndarray, i: int, j: int) -> tuple[float, str]:
    """The output value at (i, j) and the sum written out, ``"27 = 1*1 + 2*2 + ..."``.

    Each term is ``x[i + m, j + n]*w[m, n]``, row by row of the kernel.
    """
    f_h, f_w = w.shape
    window = x[i : i + f_h, j : j + f_w]
    total = float(np.sum(window * w))
    terms = [
        f"{_fmt(a)}*{_fmt(b)}" if b >= 0 else f"{_fmt(a)}*({_fmt(b)})"
        for a, b in zip(window.ravel(), w.ravel(), strict=True)
    ]
    return total, f"{_fmt(total)} = " + " + ".join(terms)


def draw_step(x: np.ndarray, w: np.ndarray, position: int) -> Figure:
    """Input with the window at output ``position`` (row-major), kernel, output so far.

    Each highlighted input cell shows its kernel weight in its corner; output cells up to
    ``position`` show their values, the current one highlighted.
    """
    out_h, out_w = positions(x, w)
    position = min(max(position, 0), out_h * out_w - 1)
    i, j = divmod(position, out_w)
    f_h, f_w = w.shape
    fig, (ax_x, ax_w, ax_z) = _panel_row(
        [x.shape, w.shape, (out_h, out_w)], gap=0.9, top=0.9, bottom=0.2
    )
    for ax, matrix, title in ((ax_x, x, "input x"), (ax_w, w, "kernel w")):
        _cell_grid_style(ax, *matrix.shape, indices=True)
        ax.set_title(title, fontsize=11, pad=14)
        for (r, c), value in np.ndenumerate(matrix):
            ax.text(c, r, _fmt(value), ha="center", va="center", fontsize=11)
    ax_x.add_patch(
        Rectangle((j - 0.5, i - 0.5), f_w, f_h, fc=HIGHLIGHT, alpha=0.35, ec=HIGHLIGHT, lw=2.5)
    )
    for (m, n), weight in np.ndenumerate(w):
        ax_x.text(
            j + n + 0.42, i + m + 0.42, f"×{_fmt(weight)}", ha="right", va="bottom",
            fontsize=7, color="tab:red",
        )  # fmt: skip
    _cell_grid_style(ax_z, out_h, out_w, indices=True)
    ax_z.set_title("output z", fontsize=11, pad=14)
    for k in range(position + 1):
        r, c = divmod(k, out_w)
        value, _ = sum_of_products(x, w, r, c)
        color = HIGHLIGHT if k == position else "#fde0c0"
        ax_z.add_patch(Rectangle((c - 0.5, r - 0.5), 1, 1, fc=color, lw=0))
        ax_z.text(c, r, _fmt(value), ha="center", va="center", fontsize=11)
    fig.text(0.5, 1 - 0.2 / fig.get_figheight(), f"z[{i}, {j}]", ha="center", va="top", fontsize=12)
    return fig


def correlation_stepper() -> widgets.Box:
    """The explorer: a position slider with a play button, editable input and kernel.

    Returns the widget (end the notebook cell with this call to show it).
    """
    example = widgets.Dropdown(options=list(EXAMPLES), description="example")
    x_text = widgets.Textarea(
        value=EXAMPLES[example.value][0], description="input x", rows=5,
        layout=widgets.Layout(width="260px"),
    )  # fmt: skip
    w_text = widgets.Textarea(
        value=EXAMPLES[example.value][1], description="kernel w", rows=4,
        layout=widgets.Layout(width="260px"),
    )  # fmt: skip
    position = widgets.IntSlider(value=0, min=0, max=3, description="position")
    play = widgets.Play(value=0, min=0, max=3, interval=1200, description="play")
    widgets.jslink((play, "value"), (position, "value"))

    def fill_example(change: dict) -> None:
        x_text.value, w_text.value = EXAMPLES[change["new"]]

    def fit_slider(_change: object = None) -> None:
        try:
            out_h, out_w = positions(parse_matrix(x_text.value), parse_matrix(w_text.value))
        except ValueError:
            return
        last = out_h * out_w - 1
        position.max = play.max = last
        if position.value > last:
            position.value = last

    # registered before explorer_box's observers, so the slider fits before each redraw
    example.observe(fill_example, "value")
    x_text.observe(fit_slider, "value")
    w_text.observe(fit_slider, "value")

    def draw(example: str, x_text: str, w_text: str, position: int) -> None:
        try:
            x = parse_matrix(x_text, "the input x")
            w = parse_matrix(w_text, "the kernel w")
            out_h, out_w = positions(x, w)
        except ValueError as error:
            print(f"Cannot correlate: {error}.")
            return
        position = min(position, out_h * out_w - 1)
        i, j = divmod(position, out_w)
        _, text = sum_of_products(x, w, i, j)
        draw_step(x, w, position)
        plt.show()
        total, terms = text.split(" = ", 1)
        print(f"z[{i}, {j}] = sum of x[{i}:{i + w.shape[0]}, {j}:{j + w.shape[1]}] ⊙ w")
        print(f"        = {terms}")
        print(f"        = {total}")

    fit_slider()
    controls = {"example": example, "x_text": x_text, "w_text": w_text, "position": position}
    box = explorer_box(
        "correlation",
        controls,
        draw,
        title="Correlation, one position at a time (slider or ▶; edit x and w)",
        vertical=True,
    )
    _put_beside(box, position, play)
    return box


def _put_beside(box: widgets.Box, control: widgets.Widget, extra: widgets.Widget) -> None:
    """Show ``extra`` (not a drawing control) just before ``control`` inside ``box``."""
    for child in box.children:
        if isinstance(child, widgets.Box):
            if control in child.children:
                parts = list(child.children)
                parts[parts.index(control)] = widgets.HBox([extra, control])
                child.children = tuple(parts)
                return
            _put_beside(child, control, extra)
