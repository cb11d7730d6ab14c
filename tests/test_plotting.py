"""Tests of in5400lib.plotting (Agg backend): panels, cell texts, animation frames, errors."""

from __future__ import annotations

from collections.abc import Iterator

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from in5400lib.plotting import (  # noqa: E402
    animate_sliding_window,
    animation_html,
    confusion_matrix_plot,
    plot_curves,
    show_filters,
    show_heatmaps,
    show_images,
    show_matrices,
)

# most animation tests inspect the artists without rendering the animation
pytestmark = pytest.mark.filterwarnings("ignore:Animation was deleted without rendering")


@pytest.fixture(autouse=True)
def close_figures() -> Iterator[None]:
    yield
    plt.close("all")


def cell_texts(ax: Axes) -> dict[tuple[int, int], str]:
    """Non-empty texts placed at integer data coordinates, keyed by (row, column)."""
    texts = {}
    for text in ax.texts:
        if text.get_transform() is not ax.transData:  # titles placed in points or axes units
            continue
        x, y = text.get_position()
        if text.get_text() and float(x).is_integer() and float(y).is_integer():
            texts[int(y), int(x)] = text.get_text()
    return texts


def image_axes(fig: Figure) -> list[Axes]:
    """Axes that show an image, excluding colour bars."""
    return [ax for ax in fig.axes if ax.images and ax.get_label() != "<colorbar>"]


# --------------------------------------------------------------------------- show_images


def test_show_images_one_panel_per_image_with_titles() -> None:
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(10, 3, 8, 6), dtype=np.uint8)
    labels = [f"class {k}" for k in range(10)]
    fig = show_images(images, labels, ncols=4)
    assert len(fig.axes) == 10
    assert [ax.get_title() for ax in fig.axes] == labels
    shown = fig.axes[3].images[0].get_array()
    np.testing.assert_array_equal(shown, images[3].transpose(1, 2, 0))
    rows = {round(ax.get_position().y0, 3) for ax in fig.axes}
    assert len(rows) == 3  # 4 + 4 + 2


def test_show_images_grayscale_float() -> None:
    images = np.linspace(0, 1, 2 * 5 * 5).reshape(2, 5, 5)
    fig = show_images(images)
    assert len(fig.axes) == 2
    np.testing.assert_array_equal(fig.axes[1].images[0].get_array(), images[1])
    assert fig.axes[0].images[0].get_cmap().name == "gray"


def test_show_images_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        show_images(np.full((2, 3, 4, 4), 2.5))
    with pytest.raises(ValueError, match="2 images but 3 labels"):
        show_images(np.zeros((2, 3, 4, 4), np.uint8), ["a", "b", "c"])
    with pytest.raises(ValueError, match="shape"):
        show_images(np.zeros((4, 4), np.uint8))


# --------------------------------------------------------------------------- show_matrices


def test_show_matrices_writes_every_value() -> None:
    x = np.array([[3, 3, 2, 1], [0, 0, 1, 3], [3, 1, 2, 2]])
    w = np.array([[0, 1], [2, -2]])
    z = np.array([[6.5, 12.25, 17.0]])
    fig = show_matrices({"x": x, "w": w, "z": z}, symbols="⋆=")
    assert len(fig.axes) == 3
    assert [ax.get_title() for ax in fig.axes] == ["x", "w", "z"]
    for ax, array in zip(fig.axes, (x, w, z), strict=True):
        expected = {(i, j): f"{v:g}" for (i, j), v in np.ndenumerate(array)}
        assert cell_texts(ax) == expected
    assert [t.get_text() for t in fig.texts] == ["⋆", "="]
    assert fig.axes[0].get_position().x1 < fig.texts[0].get_position()[0]
    assert fig.texts[0].get_position()[0] < fig.axes[1].get_position().x0


def test_show_matrices_pairs_format_and_1d() -> None:
    values = np.array([0.125, 2.0, -1.5])
    fig = show_matrices([("v", values), ("m", np.eye(2))], fmt="{:.2f}")
    assert len(fig.axes) == 2
    assert cell_texts(fig.axes[0]) == {(0, 0): "0.12", (0, 1): "2.00", (0, 2): "-1.50"}
    assert cell_texts(fig.axes[1])[1, 1] == "1.00"
    assert fig.texts == []


def test_show_matrices_text_contrasts_with_cell_colour() -> None:
    fig = show_matrices({"a": np.array([[0, 10]])})
    colors = {t.get_text(): t.get_color() for t in fig.axes[0].texts}
    assert colors == {"0": "black", "10": "white"}  # light and dark end of "Blues"


def test_show_matrices_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="one character per gap"):
        show_matrices({"a": np.eye(2), "b": np.eye(2)}, symbols="*=")
    with pytest.raises(ValueError, match="2D"):
        show_matrices({"a": np.zeros((2, 2, 2))})


# --------------------------------------------------------------------------- animation


def tap_cells(anim) -> set[tuple[int, int]]:
    """(row, column) of the highlighted taps in the padded input."""
    ax_in = anim._fig.axes[0]
    cells = set()
    for patch in ax_in.patches:
        if patch.get_gid() == "tap":
            x, y = patch.get_xy()
            cells.add((int(y + 0.5), int(x + 0.5)))
    return cells


def output_texts(anim) -> dict[tuple[int, int], str]:
    return cell_texts(anim._fig.axes[1])


def frame_count(anim) -> int:
    return len(list(anim.new_frame_seq()))


@pytest.mark.parametrize(("stride", "positions"), [(1, 5), (2, 3), (3, 2)])
def test_animation_7x7_one_frame_per_output_position(stride: int, positions: int) -> None:
    anim = animate_sliding_window(np.arange(49).reshape(7, 7), 3, stride=stride)
    assert frame_count(anim) == positions * positions
    ax_in, ax_out = anim._fig.axes
    assert len(cell_texts(ax_in)) == 49
    assert cell_texts(ax_in)[2, 5] == "19"
    assert ax_out.get_xlim() == (-0.5, positions - 0.5)


def test_animation_taps_follow_the_stride() -> None:
    anim = animate_sliding_window(np.arange(49).reshape(7, 7), 3, stride=2)
    assert tap_cells(anim) == {(r, c) for r in (0, 1, 2) for c in (0, 1, 2)}
    anim._func(5)  # output position (1, 2): rows 2..4, columns 4..6
    assert tap_cells(anim) == {(r, c) for r in (2, 3, 4) for c in (4, 5, 6)}


def test_animation_dilated_taps_are_separate() -> None:
    anim = animate_sliding_window(np.arange(49).reshape(7, 7), 3, dilation=2)
    assert frame_count(anim) == 9  # extent 5 -> (7 - 5) + 1 = 3 positions per axis
    anim._func(5)  # output position (1, 2): rows 1, 3, 5 and columns 2, 4, 6
    assert tap_cells(anim) == {(r, c) for r in (1, 3, 5) for c in (2, 4, 6)}


def test_animation_fills_the_output_cell_by_cell() -> None:
    x = np.arange(16).reshape(4, 4)
    output = np.array([[45.0, 54.0], [81.0, 90.5]])
    anim = animate_sliding_window(x, (3, 3), output=output)
    assert frame_count(anim) == 4
    assert output_texts(anim) == {(0, 0): "45"}
    anim._func(2)
    assert output_texts(anim) == {(0, 0): "45", (0, 1): "54", (1, 0): "81"}
    anim._func(3)
    assert output_texts(anim) == {(0, 0): "45", (0, 1): "54", (1, 0): "81", (1, 1): "90.5"}
    anim._func(1)  # going back clears the later cells
    assert output_texts(anim) == {(0, 0): "45", (0, 1): "54"}


def test_animation_padding_shows_zeros_and_more_positions() -> None:
    anim = animate_sliding_window(np.ones((4, 4), int), 3, padding=1)
    assert frame_count(anim) == 16
    texts = cell_texts(anim._fig.axes[0])
    assert len(texts) == 36
    assert texts[0, 0] == "0" and texts[5, 3] == "0" and texts[1, 1] == "1"
    assert output_texts(anim) == {}  # no output given: positions only


def test_animation_marks_cells_no_window_reaches() -> None:
    hatched_s3 = animate_sliding_window(np.zeros((7, 7)), 3, stride=3)
    hatched = [p for p in hatched_s3._fig.axes[0].patches if p.get_hatch()]
    assert len(hatched) == 7 + 7 - 1  # last row and last column
    assert any("2.33" in t.get_text() for t in hatched_s3._fig.texts)
    tiled_s2 = animate_sliding_window(np.zeros((7, 7)), 3, stride=2)
    assert not [p for p in tiled_s2._fig.axes[0].patches if p.get_hatch()]


def test_animation_rejects_a_window_that_does_not_fit() -> None:
    with pytest.raises(ValueError, match="does not fit"):
        animate_sliding_window(np.zeros((4, 4)), 5)
    with pytest.raises(ValueError, match="does not fit"):
        animate_sliding_window(np.zeros((5, 5)), 3, dilation=3)
    with pytest.raises(ValueError, match=r"output should have shape \(2, 2\)"):
        animate_sliding_window(np.zeros((4, 4)), 3, output=np.zeros((3, 3)))
    with pytest.raises(ValueError, match="stride"):
        animate_sliding_window(np.zeros((4, 4)), 3, stride=0)


def test_animation_html_embeds_every_frame_and_closes_the_figure() -> None:
    anim = animate_sliding_window(np.arange(16).reshape(4, 4), 3, output=np.ones((2, 2)))
    number = anim._fig.number
    html = animation_html(anim)
    assert "<script" in html.data
    assert html.data.count("frames[") - html.data.count("frames[i]") >= 4
    assert "frames[3]" in html.data and "frames[4]" not in html.data
    assert not plt.fignum_exists(number)


# --------------------------------------------------------------------------- filters, maps


def test_show_filters_rgb() -> None:
    w = np.random.default_rng(0).random((10, 3, 5, 5))
    fig = show_filters(w, ncols=4)
    assert len(fig.axes) == 10
    np.testing.assert_array_equal(fig.axes[7].images[0].get_array(), w[7].transpose(1, 2, 0))


def test_show_filters_rejects_unnormalised_rgb() -> None:
    w = np.random.default_rng(0).normal(size=(4, 3, 5, 5))
    with pytest.raises(ValueError, match="normalise"):
        show_filters(w)
    with pytest.raises(ValueError, match="normalise"):
        show_filters(np.full((4, 3, 5, 5), 200, np.uint8))


def test_show_filters_grayscale_is_centred_at_zero() -> None:
    w = np.random.default_rng(0).normal(size=(6, 1, 3, 3))
    fig = show_filters(w)
    panels = image_axes(fig)
    assert len(panels) == 6 and len(fig.axes) == 7  # plus one shared colour bar
    limit = np.abs(w).max()
    for ax in panels:
        assert ax.images[0].get_clim() == pytest.approx((-limit, limit))
        assert ax.images[0].get_cmap().name == "RdBu_r"


def test_show_filters_rejects_other_channel_counts() -> None:
    with pytest.raises(ValueError, match="C = 3"):
        show_filters(np.zeros((4, 2, 3, 3)))


def test_show_heatmaps_overlays_each_map_on_the_image() -> None:
    rng = np.random.default_rng(0)
    image = rng.integers(0, 256, size=(3, 32, 32), dtype=np.uint8)
    maps = {"occlusion": rng.random((8, 8)), "saliency": rng.random((32, 32))}
    fig = show_heatmaps(image, maps, alpha=0.4)
    panels = image_axes(fig)
    assert [ax.get_title() for ax in panels] == ["image", "occlusion", "saliency"]
    assert len(fig.axes) == 3 + 2  # a colour bar per map
    for ax, heat in zip(panels[1:], maps.values(), strict=True):
        background, overlay = ax.images
        np.testing.assert_array_equal(background.get_array(), image.transpose(1, 2, 0))
        np.testing.assert_array_equal(overlay.get_array(), heat)
        assert overlay.get_alpha() == 0.4
        assert overlay.get_extent() == [-0.5, 31.5, 31.5, -0.5]  # stretched over the image


# --------------------------------------------------------------------------- curves, confusion


def test_plot_curves_flat_mapping_one_axes() -> None:
    history = {"train": [2.0, 1.5, 1.2], "test": [2.1, 1.9]}
    fig = plot_curves(history)
    assert len(fig.axes) == 1
    lines = fig.axes[0].get_lines()
    assert [line.get_label() for line in lines] == ["train", "test"]
    np.testing.assert_array_equal(lines[0].get_xdata(), [1, 2, 3])
    np.testing.assert_array_equal(lines[1].get_ydata(), history["test"])
    assert fig.axes[0].get_xlabel() == "epoch"


def test_plot_curves_nested_mapping_one_axes_per_outer_key() -> None:
    history = {
        "loss": {"train": [2.0, 1.0], "test": [2.2, 1.4]},
        "accuracy": {"train": [0.3, 0.6], "test": [0.25, 0.5]},
    }
    fig = plot_curves(history, xlabel="step")
    assert [ax.get_ylabel() for ax in fig.axes] == ["loss", "accuracy"]
    np.testing.assert_array_equal(fig.axes[1].get_lines()[1].get_ydata(), [0.25, 0.5])
    assert fig.axes[1].get_xlabel() == "step"
    with pytest.raises(ValueError, match="empty"):
        plot_curves({})


def test_confusion_matrix_plot_counts_and_row_colours() -> None:
    cm = np.array([[5, 1, 0], [2, 2, 0], [0, 0, 0]])
    fig = confusion_matrix_plot(cm, ["cat", "dog", "frog"])
    ax = image_axes(fig)[0]
    assert len(fig.axes) == 2  # matrix and colour bar
    assert cell_texts(ax) == {(i, j): str(v) for (i, j), v in np.ndenumerate(cm)}
    expected = np.array([[5 / 6, 1 / 6, 0], [0.5, 0.5, 0], [0, 0, 0]])
    np.testing.assert_allclose(ax.images[0].get_array(), expected)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["cat", "dog", "frog"]
    assert "70.0%" in ax.get_title()  # 7 of 10 on the diagonal
    with pytest.raises(ValueError, match=r"\(3, 3\)"):
        confusion_matrix_plot(np.eye(2), ["cat", "dog", "frog"])
