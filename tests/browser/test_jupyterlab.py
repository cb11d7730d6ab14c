"""The course as a student sees it: JupyterLab in headless Chromium, started by `make lab`.

* The lab opens ready for the course: the first notebook shown, the file browser in
  ``notebooks/``, no prompt about Jupyter news over it.
* Every student notebook opens, and nbgrader's Validate button lists every test cell as
  failing (nothing is answered yet).
* Every solution notebook runs all its cells (Run > Run All Cells, not headless) without
  an error output; every explorer in it draws a picture and redraws when its first
  control is moved with the keyboard. Screenshots of each explorer go to
  ``browser-artifacts/``. The solutions that load CIFAR-10 run on a full-size stand-in
  (50,000 / 10,000 images, fast mode off) as on a student's laptop, and their kernel's
  peak resident memory, read from the operating system, stays within ``MEMORY_BUDGET``;
  the others run in fast mode (``IN5400_FAST=1``).

Explorers are found by their CSS class ``in5400-explorer``; any other widget output with
a slider counts as an explorer too, so no interactive output goes unchecked.
"""

from __future__ import annotations

import os
import re
import time
import warnings
from pathlib import Path

import nbformat
import pytest
from browser_lab import ARTIFACTS, Lab

from autograder.course import NOTEBOOKS, available_notebooks, notebooks_dir
from autograder.student.check import has_code
from tests.full_size_cifar import CIFAR_NOTEBOOKS

pytestmark = pytest.mark.browser

#: The longest a notebook may take to run all its cells in fast mode (07 trains briefly).
RUN_TIMEOUT_S = 600
#: The longest nbgrader's Validate may take (it runs the whole notebook in a new kernel).
VALIDATE_TIMEOUT_S = 300
#: The longest an explorer may take to redraw after a control moved.
REDRAW_TIMEOUT_S = 60
#: Seconds after "Run All Cells" in which some cell must have started, else it is clicked again.
NOT_STARTED_S = 10
FAILED_CELL = "The following cell failed"
#: The most a full-size notebook's kernel may hold in memory at its peak (a laptop's share).
MEMORY_BUDGET = 1.5 * 2**30


def test_chromium_is_driven_by_playwright(chromium):
    tab = chromium.new_page()
    tab.set_content("<button onclick=\"this.textContent = 'clicked'\">click me</button>")
    tab.click("button")
    assert tab.text_content("button") == "clicked"
    tab.close()


# --------------------------------------------------------------------------- helpers
@pytest.fixture(autouse=True)
def clean_lab(request):
    """After each test: no dialog, no open tab, no running kernel (a failure stays local)."""
    yield
    if "page" not in request.fixturenames:
        return
    page, lab = request.getfixturevalue("page"), request.getfixturevalue("lab")
    tabs = page.locator(".jp-NotebookPanel")  # open notebooks (the launcher may stay)
    closing = False
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        buttons = page.locator(".jp-Dialog .jp-Dialog-footer button")
        if buttons.count():  # a report left open, or "Save your work": discard
            discard = buttons.filter(has_text="Discard")
            click_if_there(discard.first if discard.count() else buttons.last)
        elif tabs.count() and not closing:
            menu(page, "File", "Close All Tabs")
            closing = True
        elif not tabs.count():
            break
        page.wait_for_timeout(250)
    kernels = page.request.get(f"{lab.base_url}/api/kernels?token={lab.token}").json()
    for kernel in kernels:
        page.request.delete(f"{lab.base_url}/api/kernels/{kernel['id']}?token={lab.token}")


def click_if_there(button) -> None:
    """Click a dialog's button, unless the dialog closed meanwhile."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout  # `make test` lacks it

    try:
        button.click(timeout=2000)
    except PlaywrightTimeout:
        pass


def menu(page, top: str, item: str) -> None:
    """Click ``top`` in the menu bar, then its entry ``item``."""
    page.locator(".lm-MenuBar-itemLabel").get_by_text(top, exact=True).click()
    page.locator(".lm-Menu-itemLabel").get_by_text(item, exact=True).click()


def current_notebook(page):
    """The notebook panel in the active tab."""
    return page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")


def open_notebook(page, path: str):
    """Open ``path`` (relative to the lab's root) with File > Open from Path."""
    menu(page, "File", "Open from Path…")
    field = page.locator(".jp-Dialog input")
    field.fill(path)
    field.press("Enter")
    tab = page.locator(".lm-TabBar-tab.jp-mod-current")
    tab.get_by_text(path.rsplit("/", 1)[-1], exact=True).wait_for()
    panel = current_notebook(page)
    panel.locator(".jp-Cell").first.wait_for()
    return panel


def wait_for_idle_kernel(page, timeout_s: float = 180) -> None:
    """Wait until the active notebook's kernel is started and idle."""
    indicator = current_notebook(page).locator(".jp-Notebook-ExecutionIndicator")
    indicator.and_(page.locator("[data-status='idle']")).wait_for(timeout=timeout_s * 1000)


def close_notebook(page, timeout_s: float = 60) -> None:
    """File > Close and Shut Down Notebook; unsaved changes (kernel metadata) are discarded."""
    tabs = page.locator(".jp-NotebookPanel")
    count = tabs.count()
    menu(page, "File", "Close and Shut Down Notebook…")
    deadline = time.monotonic() + timeout_s
    while tabs.count() >= count and time.monotonic() < deadline:
        buttons = page.locator(".jp-Dialog .jp-Dialog-footer button")
        discard = buttons.filter(has_text="Discard")
        if discard.count():
            click_if_there(discard.first)
        elif buttons.count():  # "Shut down the notebook?"
            click_if_there(page.locator(".jp-Dialog .jp-mod-accept").first)
        page.wait_for_timeout(250)
    assert tabs.count() < count, "the notebook did not close"


def code_prompts(panel) -> list[str]:
    """The prompts of all code cells (textContent: off-screen cells are not laid out)."""
    prompts = panel.locator(".jp-CodeCell .jp-InputPrompt")
    return prompts.evaluate_all("els => els.map(e => e.textContent)")


def wait_until_all_cells_ran(panel, timeout_s: float, run_all=None) -> None:
    """Wait until no cell is queued or running and the first code cell has run. If no cell
    has started after ``NOT_STARTED_S`` (the click reached JupyterLab before the notebook
    was ready for it), ``run_all`` is called again, as a student would click again."""
    deadline = time.monotonic() + timeout_s
    retry_at = time.monotonic() + NOT_STARTED_S
    while time.monotonic() < deadline:
        prompts = code_prompts(panel)
        if prompts and re.search(r"\d", prompts[0]) and not any("*" in p for p in prompts):
            return
        started = any("*" in p or re.search(r"\d", p) for p in prompts)
        if run_all is not None and not started and time.monotonic() > retry_at:
            warnings.warn("Run All Cells started no cell: clicked again", stacklevel=1)
            run_all()
            retry_at = time.monotonic() + NOT_STARTED_S
        time.sleep(1)
    pytest.fail(f"the notebook was still running after {timeout_s} s: {code_prompts(panel)}")


def save(page) -> None:
    """File > Save Notebook, and wait until the tab no longer shows unsaved changes."""
    menu(page, "File", "Save Notebook")
    page.locator(".lm-TabBar-tab.jp-mod-current:not(.jp-mod-dirty)").wait_for()


def explorers(page, panel) -> list[tuple[str, object]]:
    """Every explorer in the notebook, as (label, locator) in page order.

    Tagged explorers carry the class ``in5400-explorer`` (and ``in5400-explorer-<name>``);
    an output holding a slider outside any tagged explorer is an explorer too.
    """
    found = []
    tagged = panel.locator(".in5400-explorer")
    for index in range(tagged.count()):
        box = tagged.nth(index)
        classes = (box.get_attribute("class") or "").split()
        names = [c.removeprefix("in5400-explorer-") for c in classes if "in5400-explorer-" in c]
        found.append((names[0] if names else "explorer", box))
    untagged = (
        panel.locator(".jp-OutputArea-output")
        .filter(has=page.locator(".widget-slider"))
        .filter(has_not=page.locator(".in5400-explorer"))
    )
    found += [("widget", untagged.nth(index)) for index in range(untagged.count())]
    return found


def drawing(explorer) -> str:
    """What the explorer's output areas show now (HTML, images included as data URLs)."""
    return "".join(
        explorer.locator(".widget-output").evaluate_all("els => els.map(e => e.innerHTML)")
    )


#: True when the output shows images and every one of them has loaded.
PICTURES_READY = "imgs => imgs.length > 0 && imgs.every(i => i.complete && i.naturalWidth > 0)"


def wait_for_drawing(explorer, differs_from: str | None, timeout_s: float) -> str:
    """Wait for a drawing with a picture (different from ``differs_from``), stable for 1 s."""
    deadline = time.monotonic() + timeout_s
    last = None
    while time.monotonic() < deadline:
        now = drawing(explorer)
        ready = explorer.locator(".widget-output img").evaluate_all(PICTURES_READY)
        if ready and now != differs_from and now == last:
            return now
        last = now
        time.sleep(1)
    return ""


def stderr_text(explorer) -> str:
    """Warnings and other text the explorer's code wrote to stderr."""
    stderr = explorer.locator("[data-mime-type='application/vnd.jupyter.stderr']")
    return "\n".join(stderr.evaluate_all("els => els.map(e => e.textContent)"))


def move_first_control(page, explorer) -> str:
    """Press an arrow key on the explorer's first slider (or list); return what changed."""
    handle = explorer.locator(".widget-slider .noUi-handle").first
    if handle.count():
        before = handle.get_attribute("aria-valuenow")
        for key in ("ArrowRight", "ArrowLeft"):  # a slider at its maximum moves left
            handle.focus()
            page.keyboard.press(key)
            after = handle.get_attribute("aria-valuenow")
            if after != before:
                return f"slider {before} -> {after}"
        pytest.fail(f"the first slider did not move from {before} with the arrow keys")
    choice = explorer.locator("select").first
    if choice.count():
        before = choice.input_value()
        choice.focus()
        page.keyboard.press("ArrowDown")
        return f"list {before} -> {choice.input_value()}"
    pytest.fail("the explorer has no slider or list to move")


def kernel_process(page, lab: Lab, path: str, timeout_s: float = 180) -> int:
    """The process id of the kernel of the notebook at ``path`` (relative to the lab's root),
    found by its connection file ``kernel-<id>.json`` on its command line (waits until the
    notebook's session and kernel exist)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        sessions = page.request.get(f"{lab.base_url}/api/sessions?token={lab.token}").json()
        for kernel in (s["kernel"]["id"] for s in sessions if s["path"] == path):
            for proc in Path("/proc").glob("[0-9]*"):
                try:
                    command = (proc / "cmdline").read_bytes().split(b"\0")
                except OSError:  # it exited meanwhile
                    continue
                if any(part.endswith(f"kernel-{kernel}.json".encode()) for part in command):
                    return int(proc.name)
        time.sleep(0.5)
    pytest.fail(f"no kernel process for {path} within {timeout_s} s")


def peak_memory(pid: int) -> int:
    """The peak resident memory of process ``pid`` in bytes (``VmHWM``, kept by Linux)."""
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"^VmHWM:\s+(\d+) kB", status, re.M).group(1)) * 1024


def environment(pid: int) -> dict[str, str]:
    raw = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    return dict(item.decode().split("=", 1) for item in raw if b"=" in item)


def uses_widgets(path) -> bool:
    source = path.read_text()
    return "ipywidgets" in source or "in5400lib.explorers" in source


# --------------------------------------------------------------------------- the first start
def test_make_lab_opens_the_first_notebook_ready_for_the_course(page, lab: Lab):
    assert ("running as root" in lab.output()) == (os.geteuid() == 0), lab.output()
    assert re.search(r"/lab/tree/notebooks/01_correlation\.ipynb", page.url), page.url
    tab = page.locator(".lm-TabBar-tab.jp-mod-current")
    tab.get_by_text("01_correlation.ipynb", exact=True).wait_for()
    assert "notebooks" in page.locator(".jp-FileBrowser .jp-BreadCrumbs").inner_text()
    listed = page.locator(".jp-FileBrowser .jp-DirListing-itemText").all_inner_texts()
    assert sorted(listed) == [f"{name}.ipynb" for name in NOTEBOOKS]
    wait_for_idle_kernel(page)
    page.wait_for_timeout(2000)  # the news prompt, when asked for, comes with the start-up
    assert page.get_by_text("official Jupyter news").count() == 0
    assert page.locator(".jp-Dialog").count() == 0


# --------------------------------------------------------------------------- student notebooks
@pytest.mark.parametrize("name", NOTEBOOKS)
def test_validate_lists_every_unanswered_exercise(page, name):
    notebook = nbformat.read(notebooks_dir() / f"{name}.ipynb", as_version=4)
    tests = [
        cell.source  # the visible ones: a cell of hidden tests only is empty in notebooks/
        for cell in notebook.cells
        if cell.metadata.get("nbgrader", {}).get("grade")
        and not cell.metadata["nbgrader"].get("solution")
        and has_code(cell.source)
    ]
    open_notebook(page, f"notebooks/{name}.ipynb")
    current_notebook(page).get_by_role("button", name="Validate").click()
    dialog = page.locator(".jp-Dialog")
    dialog.get_by_text("Validation Results").wait_for(timeout=VALIDATE_TIMEOUT_S * 1000)
    report = dialog.locator(".jp-Dialog-body").inner_text()
    assert report.count(FAILED_CELL) == len(tests), report[:2000]
    for source in tests:
        assert source.strip().splitlines()[0] in report
    assert "NotImplementedError" in report
    dialog.locator(".jp-mod-accept").click()
    dialog.wait_for(state="detached")
    close_notebook(page)


# --------------------------------------------------------------------------- solution notebooks
@pytest.mark.parametrize("name", available_notebooks())
def test_solution_runs_and_its_explorers_react(page, lab: Lab, full_size: Path, name):
    path = lab.root / "solutions" / f"{name}.ipynb"
    panel = open_notebook(page, f"solutions/{name}.ipynb")
    wait_for_idle_kernel(page)  # Run All before the kernel is connected may run nothing
    kernel = kernel_process(page, lab, f"solutions/{name}.ipynb")
    start = time.monotonic()
    menu(page, "Run", "Run All Cells")
    wait_until_all_cells_ran(panel, RUN_TIMEOUT_S, lambda: menu(page, "Run", "Run All Cells"))
    seconds = time.monotonic() - start
    save(page)
    executed = nbformat.read(path, as_version=4)
    code = [c for c in executed.cells if c.cell_type == "code"]
    errors = [o for c in code for o in c.outputs if o.output_type == "error"]
    assert not errors, "\n".join(f"{o.ename}: {o.evalue}" for o in errors)
    assert all(c.execution_count for c in code), "Run All stopped before the last cell"
    if name in CIFAR_NOTEBOOKS:
        assert environment(kernel)["IN5400_DATA_DIR"] == str(full_size)

    found = explorers(page, panel)
    if uses_widgets(path):
        assert found, "the notebook builds widgets, but none is shown"
    for index, (label, explorer) in enumerate(found, start=1):
        explorer.scroll_into_view_if_needed()
        before = wait_for_drawing(explorer, None, REDRAW_TIMEOUT_S)
        assert before, f"explorer {index} ({label}) drew no picture"
        stem = ARTIFACTS / f"{name}-{index}-{label}"
        explorer.screenshot(path=f"{stem}-before.png")
        moved = move_first_control(page, explorer)
        after = wait_for_drawing(explorer, before, REDRAW_TIMEOUT_S)
        assert after, f"explorer {index} ({label}) did not redraw after {moved}"
        assert "Traceback" not in explorer.text_content(), explorer.text_content()
        explorer.screenshot(path=f"{stem}-after.png")
        if stderr_text(explorer):  # shown to the student: reported, though not an error
            message = f"{name} explorer {index} ({label}) after {moved}: {stderr_text(explorer)}"
            warnings.warn(message, stacklevel=1)
    if name in CIFAR_NOTEBOOKS:  # the peak of the whole run, explorers included
        peak = peak_memory(kernel)
        line = f"{name}: Run All {seconds:.0f} s on full-size data, peak RSS {peak / 2**30:.2f} GiB"
        (ARTIFACTS / f"full-size-{name}.txt").write_text(line + "\n")
        assert peak <= MEMORY_BUDGET, f"{line} (budget {MEMORY_BUDGET / 2**30:.1f} GiB)"
    close_notebook(page)
