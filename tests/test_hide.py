"""The sandboxes' private view of the disk: secrets covered, the cover locked, the grader's own
processes closed to ``/proc`` snooping; and a loud warning where none of this is possible."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from autograder.sandbox.hide import hiding_problem, probe, secret_paths

INSIDE = textwrap.dedent(
    """
    import ctypes, json, os, sys
    from autograder.sandbox.hide import enter
    secret = sys.argv[1]
    enter([secret, sys.argv[2]])
    libc = ctypes.CDLL(None, use_errno=True)
    unmounted = libc.umount2(secret.encode(), 2) == 0
    view = os.path.join(os.path.dirname(secret), "view")
    os.makedirs(view, exist_ok=True)
    bound = libc.mount(os.path.dirname(secret).encode(), view.encode(), None, 4096, None) == 0
    revealed = bound and os.listdir(os.path.join(view, "secret"))
    print(json.dumps({
        "listing": os.listdir(secret),
        "file": open(sys.argv[2]).read(),
        "unmounted": unmounted,
        "revealed": bool(revealed),
        "uid": os.getuid(),
    }))
    """
)


def test_the_secrets_are_covered_and_the_cover_cannot_be_lifted(tmp_path):
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "solution.ipynb").write_text("the answer")
    gradebook = tmp_path / "gradebook.db"
    gradebook.write_text("grades")
    why = probe()
    if why:  # no private mount namespaces here: then `in5400 grade` must say so
        assert why in hiding_problem() and "can read the solutions" in hiding_problem()
        return
    run = subprocess.run(
        [sys.executable, "-c", INSIDE, str(secret), str(gradebook)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    seen = __import__("json").loads(run.stdout)
    assert seen["listing"] == [] and seen["file"] == ""
    assert not seen["unmounted"] and not seen["revealed"]
    assert (secret / "solution.ipynb").read_text() == "the answer"  # the grader still sees it
    assert hiding_problem() == ""


def test_secret_paths_never_hide_what_the_sandboxes_run_from(tmp_path):
    course = tmp_path / "course"
    for name in ("solutions", "tests", ".git", "notebooks", "in5400lib"):
        (course / name).mkdir(parents=True)
    out = tmp_path / "graded"
    out.mkdir()
    hidden = secret_paths(course, out, Path(sys.prefix))
    assert set(hidden) == {course / "solutions", course / "tests", course / ".git", out}


def test_grader_processes_are_not_dumpable():
    code = (
        "import ctypes; from autograder.sandbox.hide import shield_this_process; "
        "libc = ctypes.CDLL(None); before = libc.prctl(3, 0, 0, 0, 0); "
        "shield_this_process(); print(before, libc.prctl(3, 0, 0, 0, 0))"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert run.stdout.split() == ["1", "0"], run.stderr
