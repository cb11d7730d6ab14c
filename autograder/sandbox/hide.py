"""Keep the solutions out of reach: the sandboxes see empty folders where the secrets are.

Student code finds the course checkout easily (``in5400lib.__file__``,
``sys.executable``, the working directory of a parent process, a search of the
disk), and in the usual set-up (a TA grading inside the checkout) the grader's
user can read ``solutions/``, the hidden tests in ``tests/corpus/``, the git
history, the grading OUT folder (gradebook, executed notebooks, the release's
``source`` copies) and the other students' submissions.

``enter`` gives the zygote, before it loads anything, a private mount namespace
(Linux) in which an empty, read-only ``tmpfs`` covers each of those folders (and
``/dev/null`` each such file). Every kernel and re-check worker is forked from
the zygote, so they all inherit the view; the grader's own processes keep the
real one. It works

* as root: ``unshare(CLONE_NEWNS)``;
* as an ordinary user where unprivileged user namespaces are allowed (most
  distributions): ``unshare(CLONE_NEWUSER | CLONE_NEWNS)``, mapping the user to
  root inside the namespace only.

Unless the sandboxes then drop to another user (root grading with the ``nobody``
account, which cannot undo mounts), a second, nested user namespace locks the
mounts: a process that is root only inside it cannot unmount them or bind the
folders below them elsewhere. Where neither works (no Linux namespaces, a
container that forbids them), ``probe`` says why and ``in5400 grade`` warns at
the start and in its summary.
"""

from __future__ import annotations

import ctypes
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

CLONE_NEWNS = 0x00020000
CLONE_NEWUSER = 0x10000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_BIND, MS_REC, MS_PRIVATE = 4096, 16384, 1 << 18


class HidingFailed(OSError):
    """The secrets could not be hidden (the reason is the message)."""


def secret_paths(course_root: Path, out: Path, submissions: Path | None) -> list[Path]:
    """What student code must not read: solutions, hidden tests, history, grading output and
    the class's submissions (those that exist, and never a folder the sandboxes run from:
    the interpreter, the course's packages, the temporary folder)."""
    paths = [course_root / name for name in ("solutions", "tests", "benchmarks", ".git")]
    paths += [_git_common_dir(course_root), out, submissions]
    needed = [Path(p).resolve() for p in _needed()]
    return [
        p.resolve()
        for p in paths
        if p is not None
        and p.exists()
        and not any(n == p.resolve() or p.resolve() in n.parents for n in needed)
    ]


def _needed() -> list[str]:
    """Folders a sandbox needs to run: Python, the grader's package (this module's
    grandparent, found without importing the grader), the course library, the temp folder."""
    import in5400lib

    return [
        sys.prefix,
        sys.base_prefix,
        os.path.dirname(sys.executable),
        os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
        os.path.dirname(in5400lib.__file__),
        tempfile.gettempdir(),
    ]


def _git_common_dir(root: Path) -> Path | None:
    marker = root / ".git"
    if not marker.is_file():
        return None  # a normal checkout: .git itself is listed
    try:
        run = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--git-common-dir"],
            capture_output=True,
            text=True,
            timeout=30,
        )
    except OSError:
        return None
    return (root / run.stdout.strip()).resolve() if run.returncode == 0 else None


def _libc() -> ctypes.CDLL:
    libc = ctypes.CDLL(None, use_errno=True)
    libc.mount.argtypes = [
        ctypes.c_char_p,
        ctypes.c_char_p,
        ctypes.c_char_p,
        ctypes.c_ulong,
        ctypes.c_char_p,
    ]
    return libc


def _check(result: int, what: str) -> None:
    if result != 0:
        errno = ctypes.get_errno()
        raise HidingFailed(errno, f"{what}: {os.strerror(errno)}")


def _map_to_root(uid: int, gid: int) -> None:
    """Map ``uid``/``gid`` of the parent user namespace to root in the new one."""
    Path("/proc/self/setgroups").write_text("deny")
    Path("/proc/self/uid_map").write_text(f"0 {uid} 1")
    Path("/proc/self/gid_map").write_text(f"0 {gid} 1")


def enter(paths: Iterable[str | Path], lock: bool = True) -> None:
    """Move this (single-threaded) process into a private mount namespace with ``paths``
    covered by empty read-only mounts; ``lock`` them with a nested user namespace.
    Raises HidingFailed (the process is then unchanged or only partly hidden)."""
    if not sys.platform.startswith("linux"):
        raise HidingFailed(0, "private mount namespaces need Linux")
    libc = _libc()
    uid, gid = os.getuid(), os.getgid()
    if uid == 0:
        _check(libc.unshare(CLONE_NEWNS), "unshare(CLONE_NEWNS)")
    else:
        _check(libc.unshare(CLONE_NEWUSER | CLONE_NEWNS), "unshare(CLONE_NEWUSER)")
        _map_to_root(uid, gid)
    _check(libc.mount(None, b"/", None, MS_REC | MS_PRIVATE, None), "making / private")
    for path in map(Path, paths):
        target = os.fsencode(path)
        if path.is_dir():
            flags = MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC
            _check(libc.mount(b"none", target, b"tmpfs", flags, b"size=4k,mode=0555"), str(path))
        elif path.exists():
            _check(libc.mount(b"/dev/null", target, None, MS_BIND, None), str(path))
    if lock:
        _check(libc.unshare(CLONE_NEWUSER | CLONE_NEWNS), "locking the mounts")
        _map_to_root(0, 0)


def shield_this_process() -> None:
    """Make this grader process non-dumpable: then a sandbox (another user, or root only in its
    own user namespace) cannot read the secrets through ``/proc/<pid>/root``, ``cwd`` or
    ``fd`` of a process that sees them. Reset by ``exec``: each grader process calls it."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE = 4


def hiding_problem() -> str:
    """A warning for the TA when the sandboxes cannot be kept from the secrets ("" if they can)."""
    why = probe()
    if not why:
        return ""
    return (
        "student code can read the solutions, the hidden tests and other students' work "
        f"(no private mount namespace: {why}); grade in a container or as a separate account"
    )


def probe() -> str:
    """Why the secrets cannot be hidden here ("" when they can): tries it in a child process."""
    with tempfile.TemporaryDirectory(prefix="in5400-hide-probe-") as folder:
        secret = Path(folder, "secret")
        secret.mkdir()
        (secret / "answer.txt").write_text("42")
        code = (
            "import os, sys\n"
            "from autograder.sandbox.hide import enter\n"
            "enter([sys.argv[1]])\n"
            "print(len(os.listdir(sys.argv[1])))\n"
        )
        try:
            run = subprocess.run(
                [sys.executable, "-c", code, str(secret)],
                capture_output=True,
                text=True,
                timeout=60,
            )
        except (OSError, subprocess.TimeoutExpired) as error:
            return str(error)
    if run.returncode == 0 and run.stdout.strip() == "0":
        return ""
    lines = (run.stderr or run.stdout).strip().splitlines()
    return lines[-1] if lines else f"the probe exited with {run.returncode}"
