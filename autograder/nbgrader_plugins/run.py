"""Run nbgrader's apps in a throw-away course directory."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from autograder.course import ASSIGNMENT
from autograder.sandbox.zygote_client import kill_child

#: nbgrader's configuration for every run (copied into each temporary course directory).
NBGRADER_CONFIG = Path(__file__).with_name("config.py")


def make_course_dir(root: Path) -> Path:
    """Create an empty nbgrader course directory at ``root`` with the shared config."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(NBGRADER_CONFIG, root / "nbgrader_config.py")
    return root


def nbgrader(
    course: Path,
    *args: str,
    timeout: float | None = None,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run ``nbgrader ARGS`` inside ``course``; raises ``subprocess.TimeoutExpired`` on timeout.

    The process gets its own session, so on timeout the whole group (nbgrader and
    its kernel) is killed.
    """
    command = [sys.executable, "-m", "autograder.nbgrader_plugins", *args]
    process = subprocess.Popen(
        command,
        cwd=course,
        env={**os.environ, "PATH": _path_with_this_python(), **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        kill_child(process.pid)
        process.communicate()
        raise
    return subprocess.CompletedProcess(command, process.returncode, output, "")


def _path_with_this_python() -> str:
    # nbgrader calls `alembic` by name: put this interpreter's scripts folder first.
    return os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])


def generate_assignment(course: Path, solutions: list[Path], db: bool = True) -> Path:
    """Put ``solutions`` in the course's source folder and run ``nbgrader generate_assignment``.

    Returns the release folder holding the student versions. With ``db=True`` the
    course's gradebook learns the assignment's cells (needed before autograding).
    """
    source = course / "source" / ASSIGNMENT
    source.mkdir(parents=True, exist_ok=True)
    for path in solutions:
        shutil.copy(path, source / path.name)
    args = ["generate_assignment", ASSIGNMENT, "--force"]
    if not db:
        args.append("--no-db")
    result = nbgrader(course, *args)
    if result.returncode != 0:
        raise RuntimeError(f"nbgrader generate_assignment failed:\n{result.stdout}")
    return course / "release" / ASSIGNMENT
