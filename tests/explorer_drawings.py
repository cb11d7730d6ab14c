"""Shared helpers for the explorer tests: draw with a browser's view, record the drawings."""

from __future__ import annotations

import hashlib
import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from in5400lib.explorers import base  # noqa: E402


class Drawings:
    """Fingerprints of every figure the explorer showed (``plt.show``), in order."""

    def __init__(self) -> None:
        self.figures: list[str] = []

    def show(self, *_args: object, **_kwargs: object) -> None:
        buffer = io.BytesIO()
        plt.gcf().savefig(buffer, format="png")
        self.figures.append(hashlib.sha256(buffer.getvalue()).hexdigest())
        plt.close("all")


@pytest.fixture
def drawings(monkeypatch: pytest.MonkeyPatch) -> Drawings:
    """Explorers draw as if a browser were open; ``plt.show`` records a fingerprint."""
    monkeypatch.delenv(base.HEADLESS_ENV, raising=False)
    monkeypatch.setattr(base, "_remembered", {})
    recorder = Drawings()

    def show(*args: object, **kwargs: object) -> None:
        recorder.show(*args, **kwargs)

    monkeypatch.setattr(plt, "show", show)
    return recorder
