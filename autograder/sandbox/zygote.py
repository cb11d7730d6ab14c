"""A pre-warmed process that forks sandboxes (notebook kernels and re-check workers).

Starting Python and importing ipykernel, numpy, torch and matplotlib takes
seconds; forking a process that has already done so takes milliseconds. The
zygote imports those libraries (and nothing of the grader's: no solutions, no
results), then listens on a Unix socket in a folder only the grader can open.
Each request carries a kind and file descriptors; the zygote forks, replies with
the child's process id, and the child becomes

* ``worker``: a re-check worker (``sandbox_worker.run_worker`` on the two pipe ends);
* ``kernel``: an IPython kernel for nbgrader (standard streams from the request,
  started in the sandbox like ``sandbox_kernel`` would start it).

Every child enters the sandbox (``autograder.sandbox.fence``) before student code runs.
Started as ``python -m autograder.sandbox.zygote SOCKET_PATH [POLICY_JSON]``; prints
``ready``. With a policy (``autograder.guard``) the zygote serves re-check workers
only: it installs the guard before anything else, so what the policy forbids is
never imported here, and preloads the rest.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import sys

PRELOAD = (
    "numpy",
    "torch",
    "matplotlib",
    "matplotlib.pyplot",
    "matplotlib_inline.backend_inline",
    "ipykernel.kernelapp",
    "in5400lib.testing",
    "in5400lib.plotting",
)


def preload(names: tuple[str, ...] = PRELOAD) -> None:
    import importlib

    os.environ.setdefault("MPLBACKEND", "Agg")
    for name in names:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - not installed, or forbidden by the guard
            pass
    warm_up_torch()


def warm_up_torch() -> None:
    """One tiny training step, so that what torch loads on first use (the optimizers'
    compiler hooks, autograd's engine: about 2 s) is loaded once here, not in every kernel.
    One thread: no thread pool exists yet when the children are forked."""
    try:
        import torch
    except Exception:  # noqa: BLE001 - not installed, or forbidden by the guard
        return
    torch.set_num_threads(1)
    layer = torch.nn.Conv2d(1, 1, 3)
    for optimizer in (torch.optim.SGD(layer.parameters(), lr=0.1),
                      torch.optim.Adam(layer.parameters())):  # fmt: skip
        layer(torch.zeros(1, 1, 4, 4)).sum().backward()
        optimizer.step()


def child(request: dict, fds: list[int]) -> None:
    """Run in the forked child: become what the request asks for."""
    if request["kind"] == "worker":
        from autograder.sandbox.worker import run_worker

        run_worker(fds[0], fds[1])
        return
    from autograder.sandbox.kernel import run_kernel

    for target, fd in enumerate(fds[:3]):
        os.dup2(fd, target)
    os.chdir(request["cwd"])
    run_kernel(request["connection_file"], request["extra"], watch_pid=int(request["wrapper_pid"]))


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
            message, fds, _, _ = socket.recv_fds(connection, 65536, 4)
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


def main(argv: list[str]) -> None:
    names = PRELOAD
    if len(argv) > 2:
        from autograder.guard import Policy, install, loaded

        policy = Policy.from_json(json.loads(argv[2]))
        install(policy)
        if loaded(policy):
            sys.exit(f"already imported before the guard: {', '.join(loaded(policy))}")
        names = tuple(n for n in PRELOAD if not n.startswith("ipykernel"))  # no kernels here
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(argv[1])
    listener.listen(16)
    preload(names)
    print("ready", flush=True)
    serve(listener)


if __name__ == "__main__":
    main(sys.argv)
