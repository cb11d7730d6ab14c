"""Tests of in5400lib.timing: warm-up, repeats, median, memory layout, thread setting."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from in5400lib.timing import (
    Timing,
    time_call,
    time_calls,
    time_module,
    time_modules,
    torch_threads,
)


class FakeClock:
    """A clock whose consecutive intervals are given in advance."""

    def __init__(self, intervals: list[float]) -> None:
        self.now = 0.0
        self.readings = 0
        self.intervals = list(intervals)

    def __call__(self) -> float:
        # every timed call reads the clock twice: start, then end
        if self.readings % 2 == 1:
            self.now += self.intervals.pop(0)
        self.readings += 1
        return self.now


def is_nhwc(x: torch.Tensor) -> bool:
    """True if ``x: (N, C, H, W)`` is stored channels-last (and not also plain contiguous)."""
    return x.is_contiguous(memory_format=torch.channels_last) and not x.is_contiguous()


class Probe(nn.Module):
    """Records what it sees on every forward call."""

    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3)
        self.calls: list[tuple[bool, bool]] = []

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.calls.append((is_nhwc(x), torch.is_inference_mode_enabled()))
        return self.conv(x)


def test_time_call_warms_up_then_times_each_repeat() -> None:
    calls = []
    clock = FakeClock([0.3, 0.1, 0.2])
    timing = time_call(lambda: calls.append(clock.readings), repeats=3, warmup=2, clock=clock)
    assert len(calls) == 5, "2 warm-up calls + 3 timed calls"
    assert calls[:2] == [0, 0], "warm-up calls are not timed"
    assert timing.times == pytest.approx((0.3, 0.1, 0.2))
    assert timing.median == pytest.approx(0.2)
    assert timing.best == pytest.approx(0.1)


def test_time_calls_warms_up_each_then_alternates() -> None:
    order = []
    clock = FakeClock([1.0, 5.0, 2.0, 6.0])
    timings = time_calls(
        {"a": lambda: order.append("a"), "b": lambda: order.append("b")},
        repeats=2,
        warmup=2,
        clock=clock,
    )
    assert order == ["a", "a", "b", "b", "a", "b", "a", "b"]
    assert timings["a"].times == pytest.approx((1.0, 2.0))
    assert timings["b"].times == pytest.approx((5.0, 6.0))


def test_time_modules_times_every_named_module() -> None:
    x = torch.randn(1, 3, 6, 6)
    runs = {"conv": (nn.Conv2d(3, 2, 3), x), "identity": (nn.Identity(), x)}
    timings = time_modules(runs, repeats=3, warmup=0, channels_last=True)
    assert set(timings) == {"conv", "identity"}
    assert all(len(t.times) == 3 and min(t.times) > 0 for t in timings.values())


def test_median_of_even_count_averages_the_middle_pair() -> None:
    assert Timing((4.0, 1.0, 3.0, 2.0)).median == pytest.approx(2.5)


@pytest.mark.parametrize(("repeats", "warmup"), [(0, 1), (3, -1)])
def test_time_call_rejects_bad_counts(repeats: int, warmup: int) -> None:
    with pytest.raises(ValueError):
        time_call(lambda: None, repeats=repeats, warmup=warmup)
    with pytest.raises(ValueError):
        time_calls({"f": lambda: None}, repeats=repeats, warmup=warmup)


@pytest.mark.parametrize("channels_last", [False, True])
def test_time_module_runs_in_inference_mode_with_requested_layout(channels_last: bool) -> None:
    probe = Probe()
    x = torch.randn(2, 3, 8, 8)
    timing = time_module(probe, x, repeats=2, warmup=1, channels_last=channels_last)
    assert len(timing.times) == 2
    if channels_last:
        assert probe.calls == [], "channels_last times a copy and leaves the caller's module alone"
        assert probe.conv.weight.is_contiguous()
    else:
        assert probe.calls == [(False, True)] * 3


def test_time_module_channels_last_copy_sees_nhwc_input() -> None:
    seen = []

    class Recorder(nn.Module):
        def forward(self, x: torch.Tensor) -> torch.Tensor:
            seen.append(is_nhwc(x))
            return x

    time_module(Recorder(), torch.randn(1, 3, 4, 5), repeats=1, warmup=0, channels_last=True)
    assert seen == [True]


def test_torch_threads_sets_and_restores_even_on_error() -> None:
    before = torch.get_num_threads()
    target = 1 if before != 1 else 2
    with pytest.raises(RuntimeError), torch_threads(target):
        assert torch.get_num_threads() == target
        raise RuntimeError("boom")
    assert torch.get_num_threads() == before
    with pytest.raises(ValueError):
        with torch_threads(0):
            pass
