"""The TA's similarity report opens in a browser: pairs side by side, shared parts highlighted."""

from __future__ import annotations

import pytest

from autograder.cli import main
from tests.similarity_class import write_class

pytestmark = pytest.mark.browser


def test_the_similarity_report_shows_pairs_with_the_shared_parts_marked(
    chromium, artifacts, tmp_path
):
    write_class(tmp_path / "class", ["04_pooling"], copiers_per_exercise=1, seed=5)
    out = tmp_path / "similarity"
    assert main(["similarity", str(tmp_path / "class"), "--out", str(out), "--jobs", "1"]) == 0

    tab = chromium.new_page(viewport={"width": 1400, "height": 1000})
    try:
        tab.goto((out / "similarity.html").as_uri())
        pairs, marks = tab.locator("table.pair"), tab.locator("table.pair mark")
        pairs.first.wait_for(state="visible", timeout=30_000)
        assert pairs.count() >= 1 and marks.count() >= 2
        assert marks.first.is_visible()
        background = marks.first.evaluate("m => getComputedStyle(m).backgroundColor")
        assert background not in ("rgba(0, 0, 0, 0)", "transparent"), background
        tab.screenshot(path=artifacts / "similarity-report.png")
    finally:
        tab.close()
