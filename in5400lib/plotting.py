"""Pictures for the notebooks: images, small matrices, sliding windows, filters, curves.

Every function returns the matplotlib ``Figure`` (or ``FuncAnimation``) and never calls
``plt.show()``. Figures are created through pyplot, so Jupyter's inline backend shows
them at the end of the cell: end the line with ``;`` or assign the result
(``fig = show_images(...)``) so that the figure is not shown twice.

Image arrays are (N, 3, H, W) like the data set and the networks use them (channels
first); they are transposed to (H, W, 3) for drawing.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.animation import FuncAnimation
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection, PatchCollection
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.ticker import MaxNLocator

if TYPE_CHECKING:
    from IPython.display import HTML

__all__ = [
    "animate_sliding_window",
    "animation_html",
    "confusion_matrix_plot",
    "plot_curves",
    "show_filters",
    "show_heatmaps",
    "show_images",
    "show_matrices",
]

CELL_INCHES = 0.45  # side of one matrix cell in show_matrices and the animation
HIGHLIGHT = "tab:orange"
PADDING_COLOR = "#e6e6e6"


# --------------------------------------------------------------------------- helpers


def _to_display_images(images: Any) -> np.ndarray:
    """(N, 3, H, W) or (N, H, W), uint8 or float in [0, 1] -> (N, H, W, 3) or (N, H, W)."""
    images = np.asarray(images)
    if images.ndim == 4 and images.shape[1] == 3:
        images = images.transpose(0, 2, 3, 1)
    elif images.ndim != 3:
        raise ValueError(f"images should be (N, 3, H, W) or (N, H, W), got shape {images.shape}")
    if images.dtype == np.uint8:
        return images
    if np.issubdtype(images.dtype, np.integer):
        if images.min() < 0 or images.max() > 255:
            raise ValueError("integer images should hold values in 0..255")
        return images.astype(np.uint8)
    _check_unit_range(images, "float images", "divide uint8 images by 255")
    return images


def _check_unit_range(values: np.ndarray, what: str, advice: str) -> None:
    low, high = float(np.min(values)), float(np.max(values))
    if low < 0 or high > 1:
        raise ValueError(f"{what} should lie in [0, 1], got [{low:g}, {high:g}]: {advice}")


def _image_grid(n: int, ncols: int, scale: float, title_space: float) -> tuple[Figure, list[Axes]]:
    """A figure with ``n`` image axes in rows of ``ncols`` (unused grid slots removed)."""
    if n == 0:
        raise ValueError("nothing to show: got 0 images")
    ncols = max(1, min(ncols, n))
    nrows = math.ceil(n / ncols)
    fig, grid = plt.subplots(
        nrows,
        ncols,
        figsize=(ncols * scale, nrows * (scale + title_space)),
        squeeze=False,
        layout="constrained",
    )
    axes = list(grid.flat)
    for ax in axes[n:]:
        ax.remove()
    for ax in axes[:n]:
        ax.set_axis_off()
    return fig, axes[:n]


def _text_color(background_rgba: Sequence[float]) -> str:
    """Black or white, whichever reads better on the given background colour."""
    r, g, b = background_rgba[:3]
    return "white" if 0.299 * r + 0.587 * g + 0.114 * b < 0.5 else "black"


def _annotate_cells(
    ax: Axes, labels: np.ndarray, shade: np.ndarray, cmap: Any, fontsize: float = 11
) -> None:
    """Write ``labels[i, j]`` in cell (i, j), in a colour that contrasts with ``cmap(shade)``."""
    cmap = plt.get_cmap(cmap)
    for (i, j), label in np.ndenumerate(labels):
        color = _text_color(cmap(float(shade[i, j])))
        ax.text(j, i, label, ha="center", va="center", color=color, fontsize=fontsize)


def _scale_01(values: np.ndarray) -> np.ndarray:
    """Map the values linearly to [0, 1] for colouring (a constant array maps to 0.5)."""
    low, high = float(values.min()), float(values.max())
    if high == low:
        return np.full(values.shape, 0.5)
    return (values - low) / (high - low)


def _cell_grid_style(ax: Axes, rows: int, cols: int, indices: bool = False) -> None:
    """Lines around the cells of a (rows, cols) grid drawn at integer coordinates.

    With ``indices`` the row and column numbers are written left of and above the grid.
    Plain lines and texts instead of ticks keep animation frames fast to draw.
    """
    ax.set_xlim(-0.5, cols - 0.5)
    ax.set_ylim(rows - 0.5, -0.5)
    ax.set_axis_off()
    ax.set_aspect("equal")
    vertical = [[(x, -0.5), (x, rows - 0.5)] for x in np.arange(-0.5, cols)]
    horizontal = [[(-0.5, y), (cols - 0.5, y)] for y in np.arange(-0.5, rows)]
    ax.add_collection(
        LineCollection(vertical + horizontal, colors="0.55", linewidths=0.8, clip_on=False)
    )
    if indices:
        style = {"fontsize": 7, "color": "0.45", "clip_on": False}
        for j in range(cols):
            ax.text(j, -0.6, str(j), ha="center", va="bottom", **style)
        for i in range(rows):
            ax.text(-0.6, i, str(i), ha="right", va="center", **style)


def _panel_row(
    shapes: Sequence[tuple[int, int]], gap: float, top: float, bottom: float
) -> tuple[Figure, list[Axes]]:
    """Axes for (rows, cols) grids side by side, ``CELL_INCHES`` per cell, centred vertically.

    ``gap``, ``top`` and ``bottom`` are in inches (room for symbols, titles and notes).
    """
    side = 0.3
    widths = [cols * CELL_INCHES for _, cols in shapes]
    heights = [rows * CELL_INCHES for rows, _ in shapes]
    fig_w = 2 * side + sum(widths) + gap * (len(shapes) - 1)
    fig_h = top + max(heights) + bottom
    fig = plt.figure(figsize=(fig_w, fig_h))
    axes, left = [], side
    for w, h in zip(widths, heights, strict=True):
        y = bottom + (max(heights) - h) / 2
        axes.append(fig.add_axes((left / fig_w, y / fig_h, w / fig_w, h / fig_h)))
        left += w + gap
    return fig, axes


def _pair(value: int | Sequence[int], name: str, minimum: int) -> tuple[int, int]:
    pair = (value, value) if isinstance(value, int | np.integer) else tuple(value)
    if len(pair) != 2 or any(int(v) != v or v < minimum for v in pair):
        raise ValueError(f"{name} should be an int >= {minimum} or a pair of them, got {value!r}")
    return int(pair[0]), int(pair[1])


# --------------------------------------------------------------------------- images


def show_images(
    images: Any, labels: Sequence[Any] | None = None, ncols: int = 8, scale: float = 1.5
) -> Figure:
    """Show a grid of images, one axes per image.

    Args:
        images: (N, 3, H, W) colour or (N, H, W) grayscale; uint8 or float in [0, 1].
        labels: N titles (e.g. ``[classes[y] for y in labels]``), or None.
        ncols: images per row.
        scale: inches per image.
    """
    pictures = _to_display_images(images)
    if labels is not None and len(labels) != len(pictures):
        raise ValueError(f"got {len(pictures)} images but {len(labels)} labels")
    fig, axes = _image_grid(len(pictures), ncols, scale, title_space=0.3 if labels else 0.0)
    for k, (ax, picture) in enumerate(zip(axes, pictures, strict=True)):
        ax.imshow(picture, cmap="gray" if picture.ndim == 2 else None, interpolation="nearest")
        if labels is not None:
            ax.set_title(str(labels[k]), fontsize=9)
    return fig


def show_matrices(
    matrices: Mapping[str, Any] | Sequence[tuple[str, Any]],
    fmt: str = "{:g}",
    cmap: str = "Blues",
    symbols: str | None = None,
) -> Figure:
    """Show small 2D arrays side by side with their values written in every cell.

    ``show_matrices({"x": x, "w": w, "z": z}, symbols="⋆=")`` draws ``x ⋆ w = z``.

    Args:
        matrices: name -> array of shape (H, W) (a 1D array is drawn as one row).
        fmt: format of each value, e.g. ``"{:g}"`` or ``"{:.2f}"``.
        cmap: colour map; each panel is coloured from its own minimum to its maximum.
        symbols: one character per gap between panels (``len(matrices) - 1`` of them).
    """
    items = list(matrices.items()) if isinstance(matrices, Mapping) else list(matrices)
    if not items:
        raise ValueError("nothing to show: got no matrices")
    arrays = []
    for name, array in items:
        array = np.asarray(array)
        array = array.reshape(1, -1) if array.ndim == 1 else array
        if array.ndim != 2:
            raise ValueError(f"matrix {name!r} should be 2D (H, W), got shape {array.shape}")
        arrays.append(array)
    if symbols is not None and len(symbols) != len(items) - 1:
        raise ValueError(
            f"symbols needs one character per gap between the {len(items)} matrices "
            f"({len(items) - 1}), got {symbols!r}"
        )

    fig, axes = _panel_row([a.shape for a in arrays], gap=0.7, top=0.45, bottom=0.15)
    for ax, (name, _), array in zip(axes, items, arrays, strict=True):
        shade = _scale_01(array.astype(np.float64))
        ax.imshow(shade, cmap=cmap, vmin=0, vmax=1)
        _cell_grid_style(ax, *array.shape)
        labels = np.vectorize(fmt.format, otypes=[object])(array)
        _annotate_cells(ax, labels, shade, cmap)
        ax.set_title(name, fontsize=12)
    for left, right, symbol in zip(axes, axes[1:], symbols or "", strict=False):
        x = (left.get_position().x1 + right.get_position().x0) / 2
        y = (left.get_position().y0 + left.get_position().y1) / 2
        fig.text(x, y, symbol, ha="center", va="center", fontsize=24)
    return fig


# --------------------------------------------------------------------------- sliding window


def animate_sliding_window(
    x: Any,
    w_shape: int | Sequence[int],
    stride: int | Sequence[int] = 1,
    padding: int | Sequence[int] = 0,
    dilation: int | Sequence[int] = 1,
    output: Any | None = None,
    interval: int = 700,
    fmt: str = "{:g}",
) -> FuncAnimation:
    """Animate a (F_h, F_w) window sliding over a 2D input, one frame per output position.

    Left: the zero-padded input with its values; the taps the window reads at the current
    position are highlighted (with dilation > 1 each tap is shown separately, the window's
    extent is dashed). Right: the output grid, filled cell by cell (with the values of
    ``output`` if given). Input cells that no window position covers are hatched.

    Args:
        x: input of shape (H, W).
        w_shape: kernel size F or (F_h, F_w).
        stride, padding, dilation: an int or a (vertical, horizontal) pair.
        output: the (H_out, W_out) result to write into the output grid, or None.
        interval: milliseconds per frame.
        fmt: format of the values.

    Raises:
        ValueError: the window does not fit in the padded input, or ``output`` has the
            wrong shape.
    """
    x = np.asarray(x)
    if x.ndim != 2:
        raise ValueError(f"x should be 2D (H, W), got shape {x.shape}")
    f_h, f_w = _pair(w_shape, "w_shape", 1)
    s_h, s_w = _pair(stride, "stride", 1)
    p_h, p_w = _pair(padding, "padding", 0)
    d_h, d_w = _pair(dilation, "dilation", 1)
    x_pad = np.pad(x, ((p_h, p_h), (p_w, p_w)))
    rows, cols = x_pad.shape
    ext_h, ext_w = d_h * (f_h - 1) + 1, d_w * (f_w - 1) + 1
    if ext_h > rows or ext_w > cols:
        raise ValueError(
            f"the {f_h}x{f_w} window (spanning {ext_h}x{ext_w} cells with dilation "
            f"{(d_h, d_w)}) does not fit in the {rows}x{cols} input (padding {(p_h, p_w)}): "
            f"use a smaller kernel or dilation, or more padding"
        )
    out_h, out_w = (rows - ext_h) // s_h + 1, (cols - ext_w) // s_w + 1
    if output is not None:
        output = np.asarray(output)
        if output.shape != (out_h, out_w):
            raise ValueError(f"output should have shape {(out_h, out_w)}, got {output.shape}")

    note = None
    if (rows - ext_h) % s_h or (cols - ext_w) % s_w:
        note = _leftover_note((rows, cols), (ext_h, ext_w), (s_h, s_w))
    bottom = 0.25 + (0.2 * (note.count("\n") + 1) if note else 0.0)
    fig, (ax_in, ax_out) = _panel_row([(rows, cols), (out_h, out_w)], 0.8, top=1.0, bottom=bottom)

    # input: values, padding in grey, cells no window position reaches hatched
    is_padding = np.ones_like(x_pad, dtype=bool)
    is_padding[p_h : p_h + x.shape[0], p_w : p_w + x.shape[1]] = False
    covered = np.zeros_like(is_padding)
    covered[: (out_h - 1) * s_h + ext_h, : (out_w - 1) * s_w + ext_w] = True
    _draw_input_grid(ax_in, x_pad, is_padding, covered, fmt)
    title = f"input x ({x.shape[0]}×{x.shape[1]})"
    if p_h or p_w:
        title += f", zero-padded by {p_h if p_h == p_w else (p_h, p_w)}"
    _grid_title(ax_in, title)
    extent = Rectangle((0, 0), ext_w, ext_h, fill=False, ec=HIGHLIGHT, lw=2.5, ls="--")
    ax_in.add_patch(extent)
    taps = [
        ax_in.add_patch(Rectangle((0, 0), 1, 1, fc=HIGHLIGHT, alpha=0.45, ec=HIGHLIGHT, gid="tap"))
        for _ in range(f_h * f_w)
    ]

    # output: one rectangle and one text per cell, updated by draw()
    _cell_grid_style(ax_out, out_h, out_w, indices=True)
    _grid_title(ax_out, f"output ({out_h}×{out_w})")
    out_cells = [
        ax_out.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, lw=0))
        for i, j in np.ndindex(out_h, out_w)
    ]
    out_texts = [
        ax_out.text(j, i, "", ha="center", va="center", fontsize=10)
        for i, j in np.ndindex(out_h, out_w)
    ]

    if note:
        fig.text(0.5, 0.1 / fig.get_figheight(), note, ha="center", fontsize=9, color="tab:red")
    caption = fig.text(0.5, 1 - 0.3 / fig.get_figheight(), "", ha="center", va="center")
    x_name = "x_pad" if p_h or p_w else "x"

    def draw(frame: int) -> list[Any]:
        i, j = divmod(frame, out_w)
        r0, c0 = i * s_h, j * s_w
        extent.set_xy((c0 - 0.5, r0 - 0.5))
        for tap, (a, b) in zip(taps, np.ndindex(f_h, f_w), strict=True):
            tap.set_xy((c0 + b * d_w - 0.5, r0 + a * d_h - 0.5))
        for k, (cell, text) in enumerate(zip(out_cells, out_texts, strict=True)):
            if k > frame:
                cell.set_facecolor("white")
                text.set_text("")
            else:
                cell.set_facecolor(HIGHLIGHT if k == frame else "#fde0c0")
                text.set_text("" if output is None else fmt.format(output.flat[k]))
        rows_slice = _slice_text(r0, ext_h, d_h)
        cols_slice = _slice_text(c0, ext_w, d_w)
        caption.set_text(f"out[{i}, {j}] = sum( w ⊙ {x_name}[{rows_slice}, {cols_slice}] )")
        return [extent, *taps, *out_cells, *out_texts, caption]

    draw(0)
    return FuncAnimation(fig, draw, frames=out_h * out_w, interval=interval, blit=False)


def _draw_input_grid(
    ax: Axes, x_pad: np.ndarray, is_padding: np.ndarray, covered: np.ndarray, fmt: str
) -> None:
    """The padded input's values; padding cells grey, cells no window reaches hatched."""
    padding_cells = [Rectangle((j - 0.5, i - 0.5), 1, 1) for i, j in np.argwhere(is_padding)]
    ax.add_collection(PatchCollection(padding_cells, facecolor=PADDING_COLOR, linewidth=0))
    _cell_grid_style(ax, *x_pad.shape, indices=True)
    for (i, j), value in np.ndenumerate(x_pad):
        color = "0.5" if is_padding[i, j] else "black"
        ax.text(j, i, fmt.format(value), ha="center", va="center", color=color, fontsize=10)
    for i, j in np.argwhere(~covered):
        ax.add_patch(
            Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, hatch="///", ec="tab:red", lw=0)
        )


def _grid_title(ax: Axes, title: str) -> None:
    """A title above the column indices (a plain text: cheaper to draw than ``set_title``)."""
    ax.annotate(
        title,
        xy=(0.5, 1),
        xycoords="axes fraction",
        xytext=(0, 14),
        textcoords="offset points",
        ha="center",
        va="bottom",
        fontsize=11,
    )


def _slice_text(start: int, extent: int, step: int) -> str:
    return f"{start}:{start + extent}" + (f":{step}" if step > 1 else "")


def _leftover_note(sizes: tuple[int, int], extent: tuple[int, int], stride: tuple[int, int]) -> str:
    """Explain the hatched cells: (size - extent)/stride + 1 is not a whole number."""
    lines = ["the window does not tile the input (hatched cells):"]
    for name, size, ext, s in zip(("rows", "columns"), sizes, extent, stride, strict=True):
        if (size - ext) % s:
            positions = (size - ext) / s + 1
            unused = (size - ext) % s
            lines.append(
                f"{name}: ({size} - {ext})/{s} + 1 = {positions:.2f}, last {unused} unused"
            )
    return "\n".join(lines)


def animation_html(anim: FuncAnimation) -> HTML:
    """Render the animation as interactive HTML (``to_jshtml``) and close its figure.

    Closing the figure keeps Jupyter from also showing its static first frame.
    """
    from IPython.display import HTML

    fig = anim._fig  # FuncAnimation keeps its figure only in this attribute
    # Saving draws every frame twice: once for the screen (draw_idle), once into the file.
    # Nothing is on screen here, so the first draw is skipped; it halves the rendering time.
    canvas = fig.canvas
    draw_idle, canvas.draw_idle = canvas.draw_idle, lambda *args, **kwargs: None
    try:
        with mpl.rc_context({"animation.embed_limit": 200.0}):  # MB
            html = anim.to_jshtml()
    finally:
        canvas.draw_idle = draw_idle
    plt.close(fig)
    return HTML(html)


# --------------------------------------------------------------------------- filters, maps


def show_filters(w: Any, ncols: int = 8, scale: float = 1.0) -> Figure:
    """Show each filter of a convolution layer as a small image.

    Args:
        w: weights of shape (F_N, C, F_h, F_w). With C == 3 the filters are shown as RGB
            images and their values must already lie in [0, 1] (normalise them first).
            With C == 1 they are shown in a diverging colour map centred at 0 with a
            shared colour bar (one extra axes).
        ncols: filters per row.
        scale: inches per filter.

    Raises:
        ValueError: w is not 4D, C is not 1 or 3, or RGB values lie outside [0, 1].
    """
    w = np.asarray(w)
    if w.ndim != 4 or w.shape[1] not in (1, 3):
        raise ValueError(
            f"w should be (F_N, C, F_h, F_w) with C = 3 (RGB) or C = 1, got shape {w.shape}; "
            "to look at one input channel c of a deeper layer, pass w[:, c:c+1]"
        )
    if w.shape[1] == 3:
        _check_unit_range(
            w,
            "RGB filter values",
            "normalise the filters to [0, 1] before calling show_filters",
        )
        pictures = w.transpose(0, 2, 3, 1)
        style: dict[str, Any] = {}
    else:
        pictures = w[:, 0]
        limit = float(np.abs(w).max()) or 1.0
        style = {"cmap": "RdBu_r", "vmin": -limit, "vmax": limit}
    fig, axes = _image_grid(len(w), ncols, scale, title_space=0.25)
    for k, (ax, picture) in enumerate(zip(axes, pictures, strict=True)):
        image = ax.imshow(picture, interpolation="nearest", **style)
        ax.set_title(str(k), fontsize=8)
    if w.shape[1] == 1:
        fig.colorbar(image, ax=axes, shrink=0.8, label="weight")
    return fig


def show_heatmaps(
    image: Any, maps: Mapping[str, Any], alpha: float = 0.5, cmap: str = "jet"
) -> Figure:
    """Show an image next to heat maps (occlusion, saliency, ...) drawn over it.

    Args:
        image: (3, H, W) or (H, W), uint8 or float in [0, 1].
        maps: name -> 2D map; a map coarser than the image (e.g. from occlusion with a
            stride) is stretched over the whole image.
        alpha: opacity of the heat map.
        cmap: colour map of the heat maps.

    Returns a figure with the image, one panel per map, and a colour bar per map.
    """
    picture = _to_display_images(np.asarray(image)[None])[0]
    height, width = picture.shape[:2]
    panels = 1 + len(maps)
    fig, axes = plt.subplots(1, panels, figsize=(3.2 * panels, 3.2), layout="constrained")
    axes = np.atleast_1d(axes)
    gray = "gray" if picture.ndim == 2 else None
    axes[0].imshow(picture, cmap=gray)
    axes[0].set_title("image")
    for ax, (name, heat) in zip(axes[1:], maps.items(), strict=True):
        heat = np.asarray(heat, dtype=np.float64)
        if heat.ndim != 2:
            raise ValueError(f"map {name!r} should be 2D, got shape {heat.shape}")
        ax.imshow(picture, cmap=gray)
        overlay = ax.imshow(
            heat,
            cmap=cmap,
            alpha=alpha,
            extent=(-0.5, width - 0.5, height - 0.5, -0.5),
            interpolation="nearest",
        )
        fig.colorbar(overlay, ax=ax, shrink=0.8)
        ax.set_title(name)
    for ax in axes:
        ax.set_axis_off()
    return fig


# --------------------------------------------------------------------------- training results


def plot_curves(
    history: Mapping[str, Sequence[float]] | Mapping[str, Mapping[str, Sequence[float]]],
    xlabel: str = "epoch",
) -> Figure:
    """Plot training curves; x runs 1, 2, ... along each sequence.

    ``plot_curves({"train": losses, "test": test_losses})`` draws one axes with a line per
    key; ``plot_curves({"loss": {"train": ..., "test": ...}, "accuracy": {...}})`` draws
    one subplot per outer key (its y label) with a line per inner key.
    """
    if not history:
        raise ValueError("nothing to plot: history is empty")
    nested = all(isinstance(v, Mapping) for v in history.values())
    panels = dict(history) if nested else {"": history}
    fig, axes = plt.subplots(
        1, len(panels), figsize=(4.5 * len(panels), 3.3), squeeze=False, layout="constrained"
    )
    for ax, (ylabel, curves) in zip(axes[0], panels.items(), strict=True):
        for label, values in curves.items():
            values = np.asarray(values, dtype=np.float64)
            steps = np.arange(1, len(values) + 1)
            ax.plot(steps, values, marker="o" if len(values) <= 30 else None, ms=4, label=label)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.grid(alpha=0.3)
        ax.legend()
    return fig


def confusion_matrix_plot(cm: Any, classes: Sequence[str]) -> Figure:
    """Show a confusion matrix: counts in the cells, colours normalised per row.

    Args:
        cm: (K, K) counts, ``cm[true, predicted]``.
        classes: the K class names.

    The colour of a cell is its fraction of the true class (its row), so a weak class
    stands out even when classes have different sizes. The title gives the accuracy.
    """
    cm = np.asarray(cm)
    k = len(classes)
    if cm.shape != (k, k):
        raise ValueError(f"cm should have shape ({k}, {k}) for {k} classes, got {cm.shape}")
    row_sums = cm.sum(axis=1, keepdims=True)
    fractions = np.divide(cm, row_sums, out=np.zeros(cm.shape), where=row_sums > 0)
    size = 1.2 + 0.55 * k
    fig, ax = plt.subplots(figsize=(size + 1.2, size), layout="constrained")
    image = ax.imshow(fractions, cmap="Blues", vmin=0, vmax=1)
    labels = np.vectorize("{:g}".format, otypes=[object])(cm)
    _annotate_cells(ax, labels, fractions, "Blues", fontsize=9)
    ax.set_xticks(range(k), classes, rotation=45, ha="right")
    ax.set_yticks(range(k), classes)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    total = cm.sum()
    accuracy = np.trace(cm) / total if total else float("nan")
    ax.set_title(f"accuracy {accuracy:.1%} on {total:g} images")
    fig.colorbar(image, ax=ax, shrink=0.8, label="fraction of the true class")
    return fig
