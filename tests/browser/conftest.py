"""Fixtures of the browser tests: `make lab`, and headless Chromium driven by Playwright."""

from __future__ import annotations

import re
import shutil
import sys
from collections.abc import Callable, Iterator

import pytest
from browser_lab import ARTIFACTS, CHROMIUM_ARGS, Lab, chromium_path, start_lab


@pytest.fixture(scope="session")
def artifacts():
    """``browser-artifacts/``, emptied of an earlier run's screenshots and logs."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in [*ARTIFACTS.glob("*.png"), *ARTIFACTS.glob("*.log"), *ARTIFACTS.glob("*.txt")]:
        old.unlink()
    return ARTIFACTS


@pytest.fixture(scope="session")
def lab_starter(tmp_path_factory, artifacts) -> Iterator[Callable[..., Lab]]:
    """``start(prefix=...)``: start `make lab`; every lab started is stopped at the end."""
    labs: list[Lab] = []

    def start(**options) -> Lab:
        labs.append(start_lab(tmp_path_factory.mktemp("lab"), **options))
        return labs[-1]

    yield start
    for lab in labs:
        lab.stop()
        shutil.copy(lab.log, ARTIFACTS / f"lab-{lab.port}.log")


@pytest.fixture(scope="session")
def lab(lab_starter, full_size) -> Lab:
    return lab_starter(full_size=full_size)


@pytest.fixture(scope="session")
def chromium():
    """Headless Debian Chromium, driven by Playwright (no downloaded browser builds)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail(
            f"Playwright is not installed in {sys.prefix}: run `make test-browser`, "
            "which installs it (pip install -e '.[browser]')",
            pytrace=False,
        )
    executable = chromium_path()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def page(chromium, lab):
    """One browser tab on the lab, opened at the address `make lab` gave the browser."""
    tab = chromium.new_page(viewport={"width": 1400, "height": 1000})
    tab.set_default_timeout(60_000)
    tab.goto(lab.opened_url())  # a local page that redirects to the lab
    tab.wait_for_url(re.compile(r"^http://127\.0\.0\.1:\d+/lab"))
    tab.locator(".jp-NotebookPanel").first.wait_for(timeout=180_000)
    yield tab
    tab.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """On a failing browser test, keep a screenshot of the whole page."""
    report = yield
    if report.when == "call" and report.failed and "page" in item.fixturenames:
        tab = item.funcargs["page"]
        try:
            tab.screenshot(path=ARTIFACTS / f"failed-{item.name}.png", full_page=True)
        except Exception as error:  # the page may be gone: the report matters more
            report.sections.append(("screenshot", f"no screenshot of the failure: {error}"))
    return report
