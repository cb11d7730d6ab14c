"""What a zygote (``autograder.sandbox.zygote``) imports before it forks: ``PRELOAD``.

Kept apart from the zygote so that the guard's policies (``autograder.sandbox.guard_policy``)
can name the same modules without importing the zygote.
"""

from __future__ import annotations

import os

PRELOAD = (
    "numpy",
    "torch",
    "matplotlib",
    "matplotlib.pyplot",
    "matplotlib_inline.backend_inline",
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "ipykernel.debugger",  # imported by every kernel's start-up (pdb, debugpy)
    "in5400lib.testing",
    "in5400lib.plotting",
)


def preload(names: tuple[str, ...] = PRELOAD) -> None:
    import_all(names)
    warm_up_torch()


def import_all(names: tuple[str, ...] = PRELOAD) -> None:
    """Import ``names``, leaving out those that cannot be imported here."""
    import importlib

    os.environ.setdefault("MPLBACKEND", "Agg")
    for name in names:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - not installed, or forbidden by the guard
            pass


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
