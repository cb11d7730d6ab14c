"""JupyterLab started by `make lab` on a copy of the course, for the browser tests.

The lab serves a temporary copy of ``notebooks/`` and ``solutions/`` on a free port of
127.0.0.1 with a random token, with Jupyter's configuration, settings and workspaces in
temporary folders (so nothing of the user's own set-up leaks in, and nothing is left
behind). ``BROWSER`` points at a small script that records the address `make lab` would
open in the student's browser; the tests open that same address in Chromium.

Given a full-size CIFAR-10 stand-in, the lab also has a kernel that reads it as a
student's laptop reads the real data (``FULL_SIZE_KERNEL``: fast mode off), and the copied
solutions that load CIFAR-10 (``CIFAR_NOTEBOOKS``) name that kernel in their metadata.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest

from tests.full_size_cifar import CIFAR_NOTEBOOKS

ROOT = Path(__file__).resolve().parents[2]
#: Where screenshots (and, on failure, the page and the lab's log) are written.
ARTIFACTS = Path(os.environ.get("IN5400_BROWSER_ARTIFACTS", ROOT / "browser-artifacts"))
#: Chromium's command-line flags: no sandbox (root in containers), no GPU, and no calls home.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
FULL_SIZE_KERNEL = "in5400-full-size"
#: The full-size kernel's settings besides the data: fast mode off (it shrinks the data);
#: 07 trains each network for 5 s and tests 500 images (the cost of its experiments is
#: measured and documented separately, and does not grow with the data); one torch thread,
#: as the browser tests run two labs side by side.
FULL_SIZE_ENV = {
    "IN5400_FAST": "0",
    "IN5400_THREADS": "1",
    "IN5400_TRAIN_SECONDS": "5",
    "IN5400_TEST_IMAGES": "500",
}
HOW_TO_GET_CHROMIUM = (
    "install Chromium (Debian/Ubuntu: `apt-get install chromium`) or point "
    "IN5400_CHROMIUM at a Chromium or Chrome executable"
)


def chromium_path() -> str:
    """The Chromium executable: ``$IN5400_CHROMIUM`` or the first one on ``PATH``."""
    configured = os.environ.get("IN5400_CHROMIUM")
    found = configured or next(
        filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))), None
    )
    if not found or not os.access(found, os.X_OK):
        pytest.fail(f"no Chromium found: {HOW_TO_GET_CHROMIUM}", pytrace=False)
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Lab:
    """A running `make lab`: its process, address, token and output."""

    process: subprocess.Popen
    root: Path
    port: int
    token: str
    log: Path
    url_file: Path

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def check_running(self) -> None:
        if self.process.poll() is not None:
            pytest.fail(f"`make lab` exited with {self.process.returncode}:\n{self.output()}")

    def wait_until_serving(self, timeout: float = 180) -> None:
        """Wait until the server answers its status API with the token."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.check_running()
            try:
                status = f"{self.base_url}/api/status?token={self.token}"
                with urllib.request.urlopen(status, timeout=5) as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.5)
        pytest.fail(f"`make lab` did not serve within {timeout} s:\n{self.output()}")

    def opened_url(self, timeout: float = 180) -> str:
        """The address `make lab` handed to the browser (a local redirect page)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.check_running()
            if self.url_file.exists() and self.url_file.read_text().strip():
                return self.url_file.read_text().strip()
            time.sleep(0.5)
        pytest.fail(f"`make lab` opened no browser within {timeout} s:\n{self.output()}")

    def stop(self) -> None:
        """Stop make and the server it started (one process group), kernels included."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def course_copy(folder: Path) -> Path:
    """A copy of the repository's notebooks and solutions in ``folder``."""
    for part in ("notebooks", "solutions"):
        shutil.copytree(ROOT / part, folder / part)
    return folder


def add_full_size_kernel(root: Path, jupyter_data: Path, full_size: Path) -> None:
    """Install ``FULL_SIZE_KERNEL`` (this Python, reading ``full_size``) in the lab's data
    folder, and name it in the copied ``CIFAR_NOTEBOOKS`` solutions."""
    spec = jupyter_data / "kernels" / FULL_SIZE_KERNEL
    spec.mkdir(parents=True)
    kernel = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (full-size CIFAR-10)",
        "language": "python",
        "env": {"IN5400_DATA_DIR": str(full_size), **FULL_SIZE_ENV},
    }
    (spec / "kernel.json").write_text(json.dumps(kernel, indent=1))
    for name in CIFAR_NOTEBOOKS:
        path = root / "solutions" / f"{name}.ipynb"
        notebook = nbformat.read(path, as_version=4)
        notebook.metadata["kernelspec"] = {
            "name": FULL_SIZE_KERNEL,
            "display_name": kernel["display_name"],
            "language": "python",
        }
        nbformat.write(notebook, path)


def start_lab(
    workdir: Path,
    *,
    prefix: tuple[str, ...] = (),
    open_browser: bool = True,
    full_size: Path | None = None,
) -> Lab:
    """Start `make lab` on a copy of the course in ``workdir``, as the README says.

    ``prefix`` runs make under another command (e.g. as another user); ``full_size``: a
    full-size CIFAR-10 stand-in for the solutions that load CIFAR-10.
    """
    root = course_copy(workdir / "course")
    jupyter = workdir / "jupyter"
    if full_size is not None:
        add_full_size_kernel(root, jupyter / "data", full_size)
    url_file = workdir / "opened-url.txt"
    recorder = workdir / "record-url"
    recorder.write_text(f'#!/bin/sh\nprintf "%s\\n" "$1" > "{url_file}"\n')
    recorder.chmod(0o755)
    port, token = free_port(), secrets.token_hex(16)
    env = {key: value for key, value in os.environ.items() if not key.startswith("JUPYTER")}
    env.pop("IN5400_HEADLESS", None)  # a person is looking: explorers draw
    env.update(
        IN5400_FAST="1",
        BROWSER=str(recorder),
        JUPYTER_CONFIG_DIR=str(jupyter / "config"),
        JUPYTER_DATA_DIR=str(jupyter / "data"),
        JUPYTER_RUNTIME_DIR=str(jupyter / "runtime"),
        JUPYTERLAB_SETTINGS_DIR=str(jupyter / "lab-settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(jupyter / "lab-workspaces"),
    )
    lab_args = f"--ServerApp.ip=127.0.0.1 --ServerApp.port={port} --IdentityProvider.token={token}"
    if not open_browser:
        lab_args += " --no-browser"
    log = workdir / "lab.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [*prefix, "make", "-C", str(ROOT), "lab", f"LAB_ROOT={root}", f"LAB_ARGS={lab_args}"],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
    return Lab(process, root, port, token, log, url_file)
