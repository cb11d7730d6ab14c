"""Honest wall-clock timing of small CPU workloads (used by notebook 05 and its benchmark).

A single run of a function says little: the first calls pay for memory
allocation and kernel selection, and the machine does other work. So every
measurement here does a few warm-up calls, then times several repeats and
reports the median. Functions that are compared are timed round-robin (one
call of each per round), so a busy moment of the machine hits all of them::

    with torch_threads(1):
        timings = time_modules({"standard": (conv, x), "separable": (sep, x)}, repeats=7)
    speed_up = timings["standard"].median / timings["separable"].median
"""

from __future__ import annotations

import contextlib
import copy
import functools
import statistics
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import torch
from torch import nn

__all__ = ["Timing", "time_call", "time_calls", "time_module", "time_modules", "torch_threads"]


@dataclass(frozen=True)
class Timing:
    """Wall-clock times of the timed repeats, in seconds (warm-up calls excluded)."""

    times: tuple[float, ...]

    @property
    def median(self) -> float:
        """The median time: robust against a few runs slowed down by other processes."""
        return statistics.median(self.times)

    @property
    def best(self) -> float:
        """The fastest repeat."""
        return min(self.times)


def time_calls(
    calls: Mapping[str, Callable[[], Any]],
    repeats: int = 7,
    warmup: int = 2,
    clock: Callable[[], float] = time.perf_counter,
) -> dict[str, Timing]:
    """Time several functions round-robin; return ``{name: Timing}``.

    Every function is called ``warmup`` times untimed, then in each of the
    ``repeats`` rounds every function runs once, timed. Interleaving the calls
    means that a busy phase of the machine slows all of them alike, so their
    ratio stays meaningful on a shared computer.
    """
    if repeats < 1 or warmup < 0:
        raise ValueError(f"need repeats >= 1 and warmup >= 0, got {repeats} and {warmup}")
    for fn in calls.values():
        for _ in range(warmup):
            fn()
    times: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(repeats):
        for name, fn in calls.items():
            start = clock()
            fn()
            times[name].append(clock() - start)
    return {name: Timing(tuple(values)) for name, values in times.items()}


def time_call(
    fn: Callable[[], Any],
    repeats: int = 7,
    warmup: int = 2,
    clock: Callable[[], float] = time.perf_counter,
) -> Timing:
    """Call ``fn()`` ``warmup`` times untimed, then ``repeats`` times, timing each call."""
    return time_calls({"fn": fn}, repeats, warmup, clock)["fn"]


def time_modules(
    runs: Mapping[str, tuple[nn.Module, torch.Tensor]],
    repeats: int = 7,
    warmup: int = 2,
    channels_last: bool = False,
) -> dict[str, Timing]:
    """Time forward passes ``module(x)``, round-robin (see ``time_calls``), without autograd.

    ``runs`` maps a name to ``(module, x)`` with ``x: (N, C, H, W)``. With
    ``channels_last=True`` copies of the modules and inputs are stored in the
    NHWC memory layout (``torch.channels_last``) first; the caller's modules are
    never changed.
    """
    calls = {}
    for name, (module, x) in runs.items():
        if channels_last:
            module = copy.deepcopy(module).to(memory_format=torch.channels_last)
            x = x.contiguous(memory_format=torch.channels_last)
        else:
            x = x.contiguous()
        calls[name] = functools.partial(module, x)
    with torch.inference_mode():
        return time_calls(calls, repeats, warmup)


def time_module(
    module: nn.Module,
    x: torch.Tensor,
    repeats: int = 7,
    warmup: int = 2,
    channels_last: bool = False,
) -> Timing:
    """Time the forward pass ``module(x)`` for ``x: (N, C, H, W)``; see ``time_modules``."""
    return time_modules({"module": (module, x)}, repeats, warmup, channels_last)["module"]


@contextlib.contextmanager
def torch_threads(n: int) -> Iterator[None]:
    """Run the block with ``torch.set_num_threads(n)``, then restore the previous setting."""
    if n < 1:
        raise ValueError(f"need at least one thread, got {n}")
    previous = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(previous)
