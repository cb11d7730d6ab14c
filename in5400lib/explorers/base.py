"""What every explorer shares: layout, remembered control values, headless runs.

* ``explorer_box`` lays out the controls and the drawing area and tags the box with the
  CSS classes ``in5400-explorer`` and ``in5400-explorer-<name>``; the browser test finds
  explorers by the first class and moves their first slider.
* ``remember`` gives the controls the values they had the last time the same explorer
  was built in this kernel, so re-running the cell keeps the student's settings.
* When ``IN5400_HEADLESS=1`` (set by the notebook tests and the grader, where no one
  looks), ``explorer_box`` does not draw until a control changes, so a headless run
  pays only for building the widgets.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Any

import ipywidgets as widgets

#: CSS class on every explorer's outer box.
EXPLORER_CLASS = "in5400-explorer"
#: Environment variable that marks a run with no one looking at the output.
HEADLESS_ENV = "IN5400_HEADLESS"

_remembered: dict[str, dict[str, Any]] = {}


def headless() -> bool:
    """True when the notebook runs without a browser (tests, grading)."""
    return os.environ.get(HEADLESS_ENV) == "1"


def remember(name: str, controls: Mapping[str, widgets.ValueWidget]) -> None:
    """Restore ``controls`` to their last values for explorer ``name``, and keep them updated."""
    saved = _remembered.setdefault(name, {})
    for key, control in controls.items():
        if key in saved:
            try:
                control.value = saved[key]
            except Exception:  # the explorer's options changed since: keep the default
                pass
        saved[key] = control.value
        control.observe(lambda change, key=key: saved.__setitem__(key, change["new"]), "value")


def explorer_box(
    name: str,
    controls: Mapping[str, widgets.ValueWidget],
    draw: Callable[..., None],
    *,
    title: str | None = None,
    vertical: bool = False,
) -> widgets.Box:
    """The explorer widget: ``controls`` beside (or above) an output that ``draw`` fills.

    ``draw(**values)`` is called with the controls' values (by their keys) each time one
    changes, inside the output area; it should draw one figure (``plt.show()``) and may
    print. Control values are remembered across re-runs (see ``remember``).
    """
    remember(name, controls)
    output = widgets.Output(layout=widgets.Layout(min_height="200px"))

    def redraw(_change: object = None) -> None:
        output.clear_output(wait=True)
        with output:
            draw(**{key: control.value for key, control in controls.items()})

    for control in controls.values():
        control.observe(redraw, "value")
    if not headless():
        redraw()
    panel = widgets.VBox(list(controls.values()))
    parts: list[widgets.Widget] = []
    if title:
        parts.append(widgets.HTML(f"<b>{title}</b>"))
    body = widgets.VBox([panel, output]) if vertical else widgets.HBox([panel, output])
    box = widgets.VBox([*parts, body])
    box.add_class(EXPLORER_CLASS)
    box.add_class(f"{EXPLORER_CLASS}-{name}")
    return box
