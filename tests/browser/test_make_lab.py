"""`make lab` runs as root (containers, VMs) and as an ordinary user.

JupyterLab refuses to start as root without ``--allow-root``; `make lab` passes it, and
says so, exactly when the user id is 0. The dry runs (`make -n`) check that logic fast in
the plain test suite; the browser suite starts the lab as an ordinary user for real
(from root: in a user namespace that maps the caller to uid 1000).
"""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest
from browser_lab import ROOT

ROOT_NOTICE = "running as root, so JupyterLab is started with --allow-root"


def dry_run(*variables: str) -> str:
    """The commands `make lab` would run, all of them (`-B`), without running any."""
    result = subprocess.run(
        ["make", "-n", "-B", "-C", str(ROOT), "lab", *variables],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def jupyter_command(commands: str) -> str:
    """The `jupyter lab` command line (joined over its continuation lines)."""
    joined = commands.replace("\\\n", " ")
    return next(line for line in joined.splitlines() if "jupyter lab" in line)


def test_make_lab_passes_allow_root_and_says_so_for_root():
    commands = dry_run("LAB_UID=0")
    assert "--allow-root" in jupyter_command(commands)
    assert ROOT_NOTICE in commands


def test_make_lab_starts_an_ordinary_user_without_allow_root():
    commands = dry_run("LAB_UID=1000")
    assert "--allow-root" not in commands
    assert ROOT_NOTICE not in commands


def test_make_lab_reads_the_user_id_itself():
    is_root = os.geteuid() == 0
    assert ("--allow-root" in jupyter_command(dry_run())) == is_root


def test_make_lab_opens_the_first_notebook_from_the_checkout():
    command = jupyter_command(dry_run("LAB_UID=1000"))
    assert "--ServerApp.root_dir=. ./notebooks/01_correlation.ipynb" in command


def test_make_lab_turns_off_the_news_prompt():
    commands = dry_run("LAB_UID=1000")
    settings = next(line for line in commands.splitlines() if "fetchNews" in line)
    assert '"fetchNews": "false"' in settings
    assert "share/jupyter/lab/settings/overrides.d/" in settings


@pytest.mark.browser
def test_make_lab_serves_an_ordinary_user(lab_starter):
    """From root, in a user namespace as uid 1000 (where --allow-root would not be given)."""
    prefix: tuple[str, ...] = ()
    if os.geteuid() == 0:
        unshare = shutil.which("unshare")
        assert unshare, "unshare (util-linux) is needed to run `make lab` as an ordinary user"
        prefix = (unshare, "--user", "--map-user=1000", "--map-group=1000")
    lab = lab_starter(prefix=prefix, open_browser=False)
    lab.wait_until_serving()
    assert "--allow-root" not in lab.output()
    assert "Running as root is not recommended" not in lab.output()
