"""nbgrader's Execute with a per-notebook wall-clock cap and a record of what went wrong.

nbgrader has a per-cell timeout only, and when the kernel dies the notebook is
not graded at all. ``GuardedExecute`` keeps executing cell by cell, but

* gives each cell at most what is left of the notebook's budget
  (``notebook_timeout``), and once the budget is spent marks the remaining code
  cells as not run, so the tests that finished keep their points;
* when the kernel dies (``os._exit``, a segfault, the memory cap), stops, marks
  the remaining cells, and lets nbgrader grade what ran; ``sys.exit()`` (which
  IPython survives) and ``MemoryError`` count as crashes too;
* writes ``{"status": ..., "detail": ...}`` (status ``ok``, ``timeout`` or
  ``crashed``) to ``$IN5400_STATUS_DIR/<student>/<notebook>.json``, which the
  grader reads.
"""

from __future__ import annotations

import json
import os
import time

from nbclient.exceptions import DeadKernelError
from nbformat.notebooknode import NotebookNode
from nbgrader.preprocessors import Execute
from traitlets import Integer

from autograder.notebook import SETUP, role
from autograder.settings import SETUP_CELL_TIMEOUT, STATUS_DIR_ENV, Settings


def error_output(ename: str, evalue: str) -> NotebookNode:
    """A notebook error output that nbgrader counts as a failed cell."""
    return NotebookNode(
        output_type="error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"]
    )


class GuardedExecute(Execute):
    notebook_timeout = Integer(
        Settings.notebook_timeout,
        help="Wall-clock seconds for the whole notebook (every cell together).",
    ).tag(config=True)
    setup_timeout = Integer(
        SETUP_CELL_TIMEOUT,
        help="Seconds for a locked setup cell (the course's own imports), if above timeout.",
    ).tag(config=True)

    def preprocess(self, nb, resources=None, km=None):
        self._deadline = time.monotonic() + self.notebook_timeout
        self._status, self._detail, self._stopped = "ok", "", False
        self._visited: set[int] = set()
        try:
            return super().preprocess(nb, resources, km)
        except DeadKernelError:
            # The kernel died outside a cell (e.g. while starting or shutting down).
            self._record("crashed", "the kernel died", stop=True)
            return self._not_run(nb), self.resources
        except Exception as error:  # noqa: BLE001 - keep what ran; nbgrader grades it
            self._record("crashed", f"execution failed: {type(error).__name__}: {error}", stop=True)
            return self._not_run(nb), self.resources
        finally:
            self._write_status()

    def _not_run(self, nb):
        """Mark the code cells execution never reached (e.g. the kernel did not start) as not run.

        A test cell without outputs would otherwise count as passed.
        """
        for index, cell in enumerate(nb.cells):
            if cell.cell_type == "code" and index not in self._visited:
                cell.outputs = [error_output("NotRun", f"not run: {self._detail}")]
        return nb

    def _get_timeout(self, cell):
        remaining = self._deadline - time.monotonic()
        limit = self.timeout if self.timeout and self.timeout > 0 else remaining
        if cell is not None and role(cell) == SETUP:
            limit = max(limit, self.setup_timeout)
        return max(1, int(min(limit, remaining)))

    def preprocess_cell(self, cell, resources, index):
        self._visited.add(index)
        if cell.cell_type != "code":
            return cell, self.resources
        name = cell.metadata.get("nbgrader", {}).get("grade_id") or f"cell {index}"
        if not self._stopped and time.monotonic() >= self._deadline:
            limit = f"the notebook time limit ({self.notebook_timeout} s) was reached before {name}"
            self._record("timeout", limit, stop=True)
        if self._stopped:
            cell.outputs = [error_output("NotRun", f"not run: {self._detail}")]
            return cell, self.resources
        try:
            cell, resources = super().preprocess_cell(cell, resources, index)
        except DeadKernelError:
            self._record("crashed", f"the kernel died while running {name}", stop=True)
            cell.outputs.append(error_output("KernelDied", self._detail))
            return cell, self.resources
        except Exception as error:  # noqa: BLE001 - nbclient gave up on a kernel that hangs
            why = f"the kernel stopped responding during {name} ({type(error).__name__})"
            self._record("timeout", why, stop=True)
            cell.outputs.append(error_output("KernelUnresponsive", why))
            return cell, self.resources
        errors = {
            o.get("ename") for o in cell.get("outputs", []) if o.get("output_type") == "error"
        }
        if "CellTimeoutError" in errors:
            # The kernel was interrupted; later cells still run until the budget is spent.
            if time.monotonic() >= self._deadline - 1:
                limit = (
                    f"the notebook time limit ({self.notebook_timeout} s) was reached during {name}"
                )
                self._record("timeout", limit, stop=True)
            else:
                self._record("timeout", f"{name} ran past the time limit", stop=False)
        if "SystemExit" in errors:
            self._record("crashed", f"{name} called sys.exit()", stop=False)
        if "MemoryError" in errors:
            self._record("crashed", f"{name} ran out of memory", stop=False)
        return cell, resources

    def _record(self, status: str, detail: str, stop: bool) -> None:
        """Remember the most severe problem (crashed > timeout > ok); optionally stop running."""
        severity = {"ok": 0, "timeout": 1, "crashed": 2}
        if severity[status] > severity[self._status]:
            self._status, self._detail = status, detail
        self._stopped = self._stopped or stop

    def _write_status(self) -> None:
        folder = os.environ.get(STATUS_DIR_ENV)
        info = (self.resources or {}).get("nbgrader", {})
        if folder and info.get("student") and info.get("notebook"):
            path = os.path.join(folder, info["student"], f"{info['notebook']}.json")
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as handle:
                json.dump({"status": self._status, "detail": self._detail}, handle)
