"""Train notebook 07's CNN body with a flatten + dense head, under the reference's settings.

Usage (the real subset, two CPU threads, about four minutes)::

    IN5400_DATA_DIR=/path/to/cifar-10-batches-py python benchmarks/last_layer.py

The network is the shipped reference CNN's spec with its head (1x1 convolution to
10 maps + global average pooling) replaced by Flatten + Linear; seed, threads,
epochs and optimiser settings are those of ``benchmarks/train_reference.py``.
Prints parameters, training time, test accuracy and the accuracy on test images
shifted right and down by 0..4 pixels (zero fill after normalisation), for this
network and for the shipped reference CNN.
"""

from __future__ import annotations

import argparse
import os

import torch
import torch.nn.functional as F
from train_reference import CNN_SPEC, SETTINGS

from in5400lib.data import load_cifar10
from in5400lib.models import build_sequential, load_reference_cnn
from in5400lib.training import Batches, evaluate, fit, seed_everything

#: The reference body (everything before the 1x1 head convolution) + Flatten + Linear.
FLATTEN_SPEC: list[dict] = [
    *CNN_SPEC[:-3],
    {"type": "Flatten"},
    {"type": "Linear", "in_features": 80 * 4 * 4, "out_features": 10},
]


def translate(x: torch.Tensor, shift: int) -> torch.Tensor:
    """Move the content of x (N, C, H, W) ``shift`` pixels right and down, zero fill."""
    return F.pad(x, (shift, 0, shift, 0))[..., : x.shape[-2], : x.shape[-1]]


def shifted_accuracies(model: torch.nn.Module, batches: Batches) -> list[float]:
    return [
        evaluate(model, batches, transform=lambda xb, s=s: translate(xb, s)).accuracy
        for s in range(5)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=27)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()

    data = load_cifar10()
    train = torch.as_tensor(data.x_train), torch.as_tensor(data.y_train)
    test = torch.as_tensor(data.x_test), torch.as_tensor(data.y_test)
    seed_everything(args.seed, args.threads)
    model = build_sequential(FLATTEN_SPEC)
    load_before = os.getloadavg()[0]
    history = fit(
        model, train, test, epochs=args.epochs, seed=args.seed, threads=args.threads,
        device="cpu", **SETTINGS,
    )  # fmt: skip
    batches = Batches(*test, 500, torch.tensor(history.mean), torch.tensor(history.std))
    reference, record = load_reference_cnn()
    reference_batches = Batches(
        *test, 500, torch.tensor(record["mean"]), torch.tensor(record["std"])
    )
    print(
        f"flatten head: {sum(p.numel() for p in model.parameters()):,} parameters, "
        f"{history.epochs} epochs in {history.seconds[-1]:.1f} s on {args.threads} threads "
        f"(load {load_before:.2f} before, {os.getloadavg()[0]:.2f} after)"
    )
    print(f"test accuracy per epoch: {[round(a, 4) for a in history.test_accuracy]}")
    for name, net, b in [
        ("flatten head", model, batches),
        ("reference", reference, reference_batches),
    ]:
        print(f"{name:13s} shift 0..4:", " ".join(f"{a:.4f}" for a in shifted_accuracies(net, b)))


if __name__ == "__main__":
    main()
