"""Run a notebook headless in a process of its own; report its wall time and peak memory.

``measure(notebook, env)`` starts ``python -m tests.notebook_run NOTEBOOK``, which
executes the notebook with nbclient (as the notebook tests do) and prints one JSON line:
the wall time, the errors, and the kernel's peak resident memory. The kernel is a child
of that process, so once it has exited, ``getrusage(RUSAGE_CHILDREN).ru_maxrss`` is its
peak RSS, measured by the operating system (no sampling, no cgroup needed).
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Measurement:
    """One headless run of a notebook."""

    notebook: str
    seconds: float
    peak_rss_bytes: int
    error: str

    @property
    def peak_rss_gib(self) -> float:
        return self.peak_rss_bytes / 2**30


def measure(notebook: Path, env: dict[str, str], timeout: float = 3600) -> Measurement:
    """Execute ``notebook`` headless in a fresh process with ``env``; see the module doc."""
    command = [sys.executable, "-m", "tests.notebook_run", str(notebook)]
    done = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        return Measurement(notebook.stem, 0.0, 0, f"runner failed: {done.stderr[-2000:]}")
    return Measurement(**json.loads(lines[-1]))


def _run(path: Path) -> Measurement:
    notebook = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    error = ""
    with tempfile.TemporaryDirectory() as work:
        client = NotebookClient(
            notebook, timeout=3600, kernel_name="python3", resources={"metadata": {"path": work}}
        )
        try:
            client.execute()
        except CellExecutionError as failure:
            error = str(failure)[-2000:]
    seconds = time.perf_counter() - start
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # Linux: KiB
    return Measurement(path.stem, round(seconds, 1), peak_kib * 1024, error)


if __name__ == "__main__":
    os.environ.setdefault("IN5400_HEADLESS", "1")
    print(json.dumps(_run(Path(sys.argv[1])).__dict__))
