"""Where does grading time go? One class graded by `in5400 grade --jobs 1`, stage by stage.

Each stage of a batch (``autograder.grading.batch``) is timed around the grader's own
functions; inside the trusted re-check, sandbox start, the calls into the sandboxes and the
test cells; inside an ``nbgrader autograde`` process (for what the re-check does not decide:
``--kind blank`` or ``wrong``), kernel start-up, cell execution and kernel shutdown, around
nbclient's methods (this script starts nbgrader through itself to do that). Prints a
Markdown table per stage, in seconds per student.

    python benchmarks/grading_profile.py --students 2 [--kind wrong]
"""

from __future__ import annotations

import argparse
import collections
import functools
import inspect
import json
import os
import sys
import tempfile
import time
from pathlib import Path

TIMES_ENV = "IN5400_PROFILE_TIMES"


def timer(owner: object, name: str, label: str, times: dict[str, list[float]]) -> None:
    """Wrap ``owner.name`` (a function or a coroutine function) to add its durations to
    ``times[label]``."""
    original = getattr(owner, name)
    if inspect.iscoroutinefunction(original):

        @functools.wraps(original)
        async def wrapped(*args, **kwargs):
            start = time.perf_counter()
            try:
                return await original(*args, **kwargs)
            finally:
                times[label].append(time.perf_counter() - start)
    else:

        @functools.wraps(original)
        def wrapped(*args, **kwargs):
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                times[label].append(time.perf_counter() - start)

    setattr(owner, name, wrapped)


def nbgrader_timed() -> None:
    """Run nbgrader (arguments after ``--nbgrader``) with nbclient's stages timed."""
    import autograder  # noqa: F401 - first, before nbformat (as the grader starts nbgrader)

    # isort: split
    import atexit
    import runpy

    import nbclient.client as nbclient
    from jupyter_core.utils import run_sync

    times: dict[str, list[float]] = collections.defaultdict(list)
    client = nbclient.NotebookClient
    timer(client, "async_start_new_kernel", "kernel start (fork from the zygote)", times)
    timer(client, "async_start_new_kernel_client", "kernel ready (connect, handshake)", times)
    timer(client, "async_execute_cell", "cells (setup, answers, tests)", times)
    timer(client, "_async_cleanup_kernel", "kernel shutdown", times)
    # nbclient's synchronous entry points were bound to the originals at class creation.
    client.execute_cell = run_sync(client.async_execute_cell)
    client._cleanup_kernel = run_sync(client._async_cleanup_kernel)
    client.start_new_kernel = run_sync(client.async_start_new_kernel)
    client.start_new_kernel_client = run_sync(client.async_start_new_kernel_client)

    start = time.perf_counter()

    def report() -> None:
        times["nbgrader process, in all"].append(time.perf_counter() - start)
        with open(os.environ[TIMES_ENV], "w", encoding="utf-8") as handle:
            json.dump(times, handle)

    atexit.register(report)
    sys.argv = ["nbgrader", *sys.argv[sys.argv.index("--nbgrader") + 1 :]]
    runpy.run_module("nbgrader", run_name="__main__")


def profile(students: int, kind: str) -> None:
    from grading_speed import make_class

    from autograder.course import available_notebooks
    from autograder.grading import batch, pipeline, recheck
    from autograder.grading import recheck_sandbox as sandbox
    from autograder.grading.environment import prepare
    from autograder.grading.pipeline import grade_class
    from autograder.nbgrader_plugins import run
    from autograder.settings import Settings

    times: dict[str, list[float]] = collections.defaultdict(list)
    stages = [
        ("warm_up", "warm-up beside the zygotes' start (once per grading process)"),
        ("triage", "triage (missing, malformed)"),
        ("trusted_verdicts", "trusted re-check (every test cell)"),
        ("executed_notebook", "executed notebooks from the re-check"),
        ("make_job", "course folder for nbgrader's batch"),
        ("autograde", "nbgrader autograde"),
        ("read_results", "read the gradebook and status files"),
        ("recheck_results", "re-check verdicts applied to nbgrader's"),
        ("police_results", "policy check of the answer cells"),
        ("write_outputs", "write executed notebooks and feedback"),
        ("write_feedback", "feedback pages (HTML)"),
    ]
    for name, label in stages:
        timer(pipeline if name == "warm_up" else batch, name, label, times)
    timer(sandbox.Sandbox, "start", "re-check: sandbox start (fork, setup, answers)", times)
    timer(sandbox.Sandbox, "call", "re-check: calls into the sandboxes", times)
    timer(recheck, "judge_cell", "re-check: test cells (calls included)", times)

    nbgrader_times = Path(tempfile.mkstemp(prefix="nbgrader-times-")[1])
    popen = run.subprocess.Popen

    def timed_popen(command, *args, **kwargs):
        if command[1:3] == ["-m", "autograder.nbgrader_plugins"] and command[3] == "autograde":
            command = [command[0], __file__, "--nbgrader", *command[3:]]
            kwargs["env"] = {**kwargs["env"], TIMES_ENV: str(nbgrader_times)}
        return popen(command, *args, **kwargs)

    run.subprocess.Popen = timed_popen
    with tempfile.TemporaryDirectory(prefix="grading-profile-") as tmp:
        root = Path(tmp)
        names = available_notebooks()
        make_class(root / "class", students, names, (kind,))
        settings = Settings(out=root / "out", jobs=1, batch_size=students)
        prepare(settings, names)  # not timed: the template is built once per course
        load = os.getloadavg()[0]
        start = time.perf_counter()
        results = grade_class(root / "class", settings, names, progress=False)
        total = time.perf_counter() - start
    text = nbgrader_times.read_text()  # empty when nbgrader did not run
    inner = json.loads(text) if text else {}
    nbgrader_times.unlink()
    statuses = sorted({(r.status, r.score == r.max_score) for r in results})
    count = students * len(names)
    print(f"{students} {kind} students x {len(names)} notebooks, load {load:.2f}, {statuses}")
    print("\n| stage | calls | s per student | share |\n|---|---:|---:|---:|")

    def row(label: str, values: list[float], indent: str = "") -> None:
        seconds = sum(values)
        print(
            f"| {indent}{label} | {len(values)} | {seconds / students:.2f} | "
            f"{seconds / total:.0%} |"
        )

    for _, label in stages:
        if label == "feedback pages (HTML)":
            row(label, times[label], "… ")
            continue
        row(label, times[label])
        if label == "nbgrader autograde":
            for inner_label, values in inner.items():
                row(inner_label, values, "… ")
        if label == "trusted re-check (every test cell)":
            for extra in [key for key in times if key.startswith("re-check:")]:
                row(extra[len("re-check: ") :], times[extra], "… ")
    print(f"| **total** `grade_class` | | **{total / students:.2f}** | 100% |")
    print(f"\n{total:.1f} s for {count} notebooks ({total / count:.2f} s per notebook)")


def main() -> None:
    if "--nbgrader" in sys.argv:
        nbgrader_timed()
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=2)
    parser.add_argument("--kind", choices=["perfect", "blank", "wrong"], default="perfect")
    args = parser.parse_args()
    profile(args.students, args.kind)


if __name__ == "__main__":
    main()
