"""Pooling explorer: window size, stride, max vs. average, and where the gradient goes.

The notebook passes the student's own pooling functions (forward and backward), so the
explorer shows what *their* code does: the windows on a small matrix (or a gray CIFAR-10
image), the pooled output, the gradient that one chosen window sends back, and the
gradient of all windows together (``dout`` all ones), where overlapping windows add up.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.patches import Rectangle

from in5400lib.explorers.base import explorer_box

__all__ = ["pooling_explorer", "pooling_windows", "SMALL_MATRIX"]

#: The default input: the numbers 0 ... 35 shuffled into a 6 x 6 matrix (seeded, so it is the
#: same every run; all different, so every window has a single maximum).
SMALL_MATRIX = np.random.default_rng(4).permutation(36).reshape(6, 6).astype(np.float64)

Pool = Callable[..., np.ndarray]


def pooling_windows(h: int, w: int, size: int, stride: int) -> list[tuple[int, int]]:
    """Top-left corners ``(row, column)`` of all windows, row by row.

    Raises ``ValueError`` (with the numbers) when the window does not fit a whole number
    of times, the rule of the notebooks' pooling functions.
    """
    for name, n in (("rows", h), ("columns", w)):
        if size > n or (n - size) % stride:
            raise ValueError(
                f"{name}: ({n} - {size})/{stride} + 1 = {(n - size) / stride + 1:.2f} is not a "
                f"whole number >= 1: a {size}x{size} window with stride {stride} does not fit"
            )
    return [
        (top, left)
        for top in range(0, h - size + 1, stride)
        for left in range(0, w - size + 1, stride)
    ]


def _show(ax: Axes, values: np.ndarray, title: str, cmap: str, annotate: bool, fmt: str) -> None:
    """``values`` as an image (``vmin`` 0 for gradients), annotated with dark/light text."""
    low = 0.0 if cmap == "Reds" else float(values.min())
    high = max(float(values.max()), low + 1e-12)
    ax.imshow(values, cmap=cmap, vmin=low, vmax=high, interpolation="nearest")
    if annotate:
        for (r, c), v in np.ndenumerate(values):
            light = (v - low) / (high - low) > 0.6 and cmap != "gray"
            text = fmt.format(v) if v else "0"
            ax.text(
                c,
                r,
                text,
                ha="center",
                va="center",
                fontsize=8,
                color="white" if light else "black",
            )
    ax.set_title(title, fontsize=9)
    ax.set_xticks([])
    ax.set_yticks([])


def _box(ax: Axes, top: int, left: int, size: int, **style: object) -> None:
    ax.add_patch(Rectangle((left - 0.5, top - 0.5), size, size, fill=False, **style))


def pooling_explorer(
    max_pool2d: Pool,
    avg_pool2d: Pool,
    max_pool2d_backward: Pool,
    avg_pool2d_backward: Pool,
    image: np.ndarray | None = None,
) -> widgets.Box:
    """Controls for window size, stride, max/average and one chosen window.

    The four functions have the notebook's signatures (``pool(x, size, stride)`` and
    ``backward(dout, x, size, stride)`` on ``(N, C, H, W)`` arrays). ``image``, shape
    ``(H, W)``, is offered as a second input besides ``SMALL_MATRIX``.
    """
    inputs: Mapping[str, np.ndarray] = {"6x6 matrix": SMALL_MATRIX}
    if image is not None:
        inputs = {**inputs, f"image {image.shape[0]}x{image.shape[1]}": np.asarray(image, float)}
    functions = {
        "max": (max_pool2d, max_pool2d_backward),
        "average": (avg_pool2d, avg_pool2d_backward),
    }
    controls = {
        "source": widgets.Dropdown(options=list(inputs), description="input"),
        "mode": widgets.ToggleButtons(options=list(functions), description="pooling"),
        "size": widgets.IntSlider(2, 1, 4, description="size"),
        "stride": widgets.IntSlider(2, 1, 4, description="stride"),
        "window": widgets.IntSlider(0, 0, 8, description="window"),
    }

    def fit_window_slider(_change: object = None) -> None:
        h, w = inputs[controls["source"].value].shape
        try:
            count = len(pooling_windows(h, w, controls["size"].value, controls["stride"].value))
        except ValueError:
            return
        controls["window"].max = count - 1

    for key in ("source", "size", "stride"):
        controls[key].observe(fit_window_slider, "value")  # runs before the redraw
    fit_window_slider()

    def draw(source: str, mode: str, size: int, stride: int, window: int) -> None:
        x = inputs[source]
        try:
            corners = pooling_windows(*x.shape, size, stride)
        except ValueError as error:  # show the input the window does not fit, and why
            print(f"ValueError: {error}")
            small = x.shape[0] <= 8
            fig, ax = plt.subplots(figsize=(4, 4), layout="constrained")
            _show(
                ax, x, f"{size}x{size} windows, stride {stride}: do not fit", "Blues", small, "{:g}"
            )
            for corner in range(0, x.shape[0] - size + 1, stride):
                _box(ax, corner, corner, size, edgecolor="C3", linewidth=1.5, alpha=0.7)
            plt.show()
            return
        pool, backward = functions[mode]
        h_out = len(range(0, x.shape[0] - size + 1, stride))
        w_out = len(corners) // h_out
        window = min(window, len(corners) - 1)
        top, left = corners[window]
        try:
            out = pool(x[None, None], size, stride)[0, 0]
            dout = np.zeros((1, 1, h_out, w_out))
            dout[0, 0, window // w_out, window % w_out] = 1.0
            dx_one = backward(dout, x[None, None], size, stride)[0, 0]
            dx_all = backward(np.ones_like(dout), x[None, None], size, stride)[0, 0]
        except NotImplementedError:
            print("implement the pooling exercises above first")
            return
        print(
            f"{mode} pooling, {size}x{size} windows, stride {stride}: {x.shape[0]}x{x.shape[1]} -> "
            f"{h_out}x{w_out}; window {window} at rows {top}-{top + size - 1}, "
            f"columns {left}-{left + size - 1}; {int(np.sum(dx_all != 0))} of {x.size} inputs "
            "get gradient"
        )
        small = x.shape[0] <= 8
        fig, axes = plt.subplots(1, 4, figsize=(13, 4), layout="constrained")
        _show(axes[0], x, "input and its windows", "Blues" if small else "gray", small, "{:g}")
        if len(corners) <= 36:  # every window, unless they would hide the input
            for corner in corners:
                _box(axes[0], *corner, size, edgecolor="C1", linewidth=0.8, alpha=0.7)
        _box(axes[0], top, left, size, edgecolor="C3", linewidth=2.5)
        _show(axes[1], out, f"{mode} pool output", "Blues", small, "{:.3g}")
        _box(axes[1], window // w_out, window % w_out, 1, edgecolor="C3", linewidth=2.5)
        _show(
            axes[2], dx_one, "gradient of the red window\n(its dout = 1)", "Reds", small, "{:.2g}"
        )
        _box(axes[2], top, left, size, edgecolor="C3", linewidth=2.5)
        _show(
            axes[3],
            dx_all,
            "gradient of all windows\n(dout = 1 everywhere)",
            "Reds",
            small,
            "{:.2g}",
        )
        plt.show()

    return explorer_box("pooling", controls, draw, title="Pooling: windows and gradients")
