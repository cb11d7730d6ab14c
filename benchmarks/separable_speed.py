"""Standard vs depthwise separable 3x3 convolution on the CPU: mult-add ratio vs measured speed-up.

For a few MobileNet-like layers (3x3 kernels, padding 1, stride 1) it times, in torch on
the CPU, a standard ``nn.Conv2d`` and a separable layer (depthwise ``groups=C`` conv, then
a 1x1 conv), in both memory layouts (NCHW and channels_last), and prints a markdown table
with the predicted (mult-add) ratio next to the measured speed-up::

    .venv/bin/python benchmarks/separable_speed.py --threads 1
    .venv/bin/python benchmarks/separable_speed.py --threads 2 --batch 8 --repeats 15

Multiply-adds are counted by torch's own FLOP counter (2 FLOPs per multiply-add), not by
the formulas of notebook 05. Times are medians over ``--repeats`` rounds after ``--warmup``
runs, in inference mode, with a fixed number of threads; the four modules of a layer are
timed round-robin, one call each per round (``in5400lib.timing``), so that load from other
processes hits them alike. The speed-up of the fastest runs is printed as a cross-check.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
from dataclasses import dataclass

import torch
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

from in5400lib.timing import Timing, time_modules, torch_threads


@dataclass(frozen=True)
class Layer:
    """A 3x3 layer, padding 1: (N, in_channels, size, size) -> (N, out_channels, size, size)."""

    size: int
    in_channels: int
    out_channels: int

    @property
    def name(self) -> str:
        return f"{self.size}x{self.size}x{self.in_channels} -> {self.out_channels}"


LAYERS = (Layer(112, 64, 128), Layer(56, 128, 128), Layer(28, 256, 256), Layer(14, 512, 512))


def standard_conv(layer: Layer) -> nn.Conv2d:
    return nn.Conv2d(layer.in_channels, layer.out_channels, 3, padding=1, bias=False)


def separable_conv(layer: Layer) -> nn.Sequential:
    """Depthwise 3x3 (one kernel per channel, ``groups=C``), then pointwise 1x1."""
    c = layer.in_channels
    return nn.Sequential(
        nn.Conv2d(c, c, 3, padding=1, groups=c, bias=False),
        nn.Conv2d(c, layer.out_channels, 1, bias=False),
    )


def mult_adds(module: nn.Module, x: torch.Tensor) -> int:
    """Multiply-adds of ``module(x)``, counted by torch's FLOP counter on shape-only tensors.

    Moves ``module`` to the meta device (no data), so pass a module made for counting only.
    """
    with FlopCounterMode(display=False) as counter:
        module.to("meta")(x.to("meta"))
    return counter.get_total_flops() // 2


def measure(
    layer: Layer, batch: int, repeats: int, warmup: int, channels_last: bool
) -> dict[str, Timing]:
    """Times of the standard layer, the separable layer and its two steps (round-robin)."""
    x = torch.randn(batch, layer.in_channels, layer.size, layer.size)
    standard, separable = standard_conv(layer), separable_conv(layer)
    depthwise, pointwise = separable[0], separable[1]
    with torch.no_grad():
        mid = depthwise(x)
    runs = {
        "standard": (standard, x),
        "separable": (separable, x),
        "depthwise": (depthwise, x),
        "pointwise": (pointwise, mid),
    }
    return time_modules(runs, repeats, warmup, channels_last)


def count(layer: Layer, batch: int) -> dict:
    """Multiply-adds of the standard layer and of the two separable steps for one batch."""
    x = torch.empty(batch, layer.in_channels, layer.size, layer.size)
    separable = separable_conv(layer)
    return {
        "standard": mult_adds(standard_conv(layer), x),
        "depthwise": mult_adds(separable[0], x),
        "pointwise": mult_adds(separable[1], x),  # the depthwise output has the shape of x
    }


def table_row(layer: Layer, layout: str, timings: dict[str, Timing], macs: dict) -> str:
    """One markdown row: median times, both speed-ups, and the achieved GMAC/s per part."""
    seconds = {name: timing.median for name, timing in timings.items()}
    best = {name: timing.best for name, timing in timings.items()}
    separable_macs = macs["depthwise"] + macs["pointwise"]
    rate = {name: macs[name] / seconds[name] / 1e9 for name in macs}
    cells = [
        layer.name,
        layout,
        f"{1e3 * seconds['standard']:.1f}",
        f"{1e3 * seconds['separable']:.1f}",
        f"{1e3 * seconds['depthwise']:.1f} + {1e3 * seconds['pointwise']:.1f}",
        f"{macs['standard'] / separable_macs:.1f}",
        f"**{seconds['standard'] / seconds['separable']:.1f}**",
        f"{best['standard'] / best['separable']:.1f}",
        f"{rate['standard']:.1f}",
        f"{rate['depthwise']:.1f}",
        f"{rate['pointwise']:.1f}",
    ]
    return "| " + " | ".join(cells) + " |"


HEADER = (
    "| layer (H x W x C -> F_N) | layout | standard ms | separable ms | depthwise + pointwise ms "
    "| mult-add ratio | speed-up (medians) | speed-up (fastest runs) | GMAC/s standard "
    "| GMAC/s depthwise | GMAC/s pointwise |\n"
    "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
)


def cpu_name() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--batch", type=int, default=8, help="images per forward pass")
    parser.add_argument("--threads", type=int, default=1, help="torch.set_num_threads")
    parser.add_argument("--repeats", type=int, default=10, help="timed runs (median reported)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed runs before timing")
    args = parser.parse_args(argv)

    torch.manual_seed(0)
    load_before = os.getloadavg()[0]
    print(
        f"{datetime.date.today()}, torch {torch.__version__}, {cpu_name()}, "
        f"{args.threads} thread(s), batch {args.batch}, "
        f"median of {args.repeats} runs after {args.warmup} warm-up runs\n"
    )
    print(HEADER)
    with torch_threads(args.threads):
        for layer in LAYERS:
            macs = count(layer, args.batch)
            for channels_last, layout in ((False, "NCHW"), (True, "NHWC")):
                timings = measure(layer, args.batch, args.repeats, args.warmup, channels_last)
                print(table_row(layer, layout, timings, macs), flush=True)
    print(f"\nload average before / after: {load_before:.1f} / {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
