"""A pre-warmed process that forks sandboxes (notebook kernels and re-check workers).

Starting Python and importing ipykernel, numpy, torch and matplotlib takes
seconds; forking a process that has already done so takes milliseconds. The
zygote imports those libraries (and nothing of the grader's: no solutions, no
results), then listens on a Unix socket in a folder only the grader can open.
Each request carries a kind, file descriptors and the folder for the child's scratch
directory; the zygote forks, replies with the child's process id, and the child becomes

* ``worker``: a re-check worker (``autograder.sandbox.worker.run_worker`` on the two pipe ends);
* ``kernel``: an IPython kernel for nbgrader (standard streams from the request,
  started in the sandbox like ``autograder.sandbox.kernel`` would start it).

Every child enters the sandbox (``autograder.sandbox.fence``) before student code runs,
and sees the folders in ``$IN5400_HIDE`` empty (``autograder.sandbox.hide``: the zygote
enters a private mount namespace first thing).
Started as ``python -m autograder.sandbox.zygote SOCKET_PATH [POLICY_JSON]``; prints
``ready`` and, as JSON, why the secrets are visible ("" if they are hidden) and the modules
it has imported. The zygote installs the guard (``autograder.sandbox.guard``) before anything
else, with what POLICY_JSON forbids (``torch`` for the numpy exercises: it is then
never imported here) and preloads the rest; a re-check worker adds its exercise's
policy and locks the guard, a notebook kernel leaves it as it is.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import sys

from autograder.sandbox.preload import PRELOAD, preload
from autograder.sandbox.zygote_protocol import MAX_FDS
from autograder.settings import SCRATCH_ROOT_ENV


def child(request: dict, fds: list[int]) -> None:
    """Run in the forked child: become what the request asks for (its scratch directory
    in the request's ``scratch`` folder: each grading process has its own)."""
    if request.get("scratch"):
        os.environ[SCRATCH_ROOT_ENV] = str(request["scratch"])
    if request["kind"] == "worker":
        from autograder.sandbox.worker import run_worker

        run_worker(fds[0], fds[1])
        return
    from autograder.sandbox.kernel import run_kernel

    for target, fd in enumerate(fds[:3]):
        os.dup2(fd, target)
    contents = {}
    for name, fd in zip(request.get("files", []), fds[3:], strict=False):
        with os.fdopen(fd, "rb") as handle:  # the submission, opened by the grader's side
            contents[name] = handle.read()
    try:
        os.chdir(request["cwd"])
    except OSError:
        pass  # hidden from the sandboxes (see autograder.sandbox.hide): the kernel works in scratch
    run_kernel(
        request["connection_file"],
        request["extra"],
        watch_pid=int(request["wrapper_pid"]),
        contents=contents,
    )


def serve(listener: socket.socket) -> None:
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped automatically
    parent = os.getppid()
    listener.settimeout(1.0)
    while True:
        try:
            connection, _ = listener.accept()
        except TimeoutError:
            if os.getppid() != parent:
                return  # the grader is gone (even if it was killed): so are we
            continue
        connection.settimeout(None)
        with connection:
            message, fds, _, _ = socket.recv_fds(connection, 65536, MAX_FDS)
            if not message:
                continue
            request = json.loads(message)
            pid = os.fork()
            if pid == 0:
                listener.close()
                connection.close()
                os.setsid()
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                try:
                    child(request, fds)
                finally:
                    os._exit(0)
            for fd in fds:
                os.close(fd)
            connection.sendall(f"{pid}\n".encode())


def hide_secrets() -> str:
    """Enter a mount namespace with ``$IN5400_HIDE`` hidden; "" or why that failed."""
    from autograder.sandbox.hide import HidingFailed, enter
    from autograder.settings import HIDE_ENV, SANDBOX_USER_ENV

    paths = [p for p in os.environ.get(HIDE_ENV, "").split(os.pathsep) if p]
    if not paths:
        return ""
    try:
        # Sandboxes that drop to another user cannot undo mounts; others need them locked.
        enter(paths, lock=not os.environ.get(SANDBOX_USER_ENV))
    except (HidingFailed, OSError) as error:
        return f"the solutions stay readable: {error}"
    return ""


def main(argv: list[str]) -> None:
    unhidden = hide_secrets()  # first: one thread, nothing loaded yet
    from autograder.sandbox.guard import install, loaded
    from autograder.sandbox.guard_policy import Policy

    base = Policy.from_json(json.loads(argv[2])) if len(argv) > 2 else Policy()
    install(base)  # its refusals wait until a re-check worker locks it (kernels never do)
    if loaded(base):
        sys.exit(f"already imported before the guard: {', '.join(loaded(base))}")
    names = PRELOAD if not base else tuple(n for n in PRELOAD if not n.startswith("ipykernel"))
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(argv[1])
    listener.listen(16)
    preload(names)
    # Before any request: what the preload imported is what every sandbox starts with.
    print("ready", json.dumps({"unhidden": unhidden, "modules": sorted(sys.modules)}), flush=True)
    serve(listener)


if __name__ == "__main__":
    main(sys.argv)
