"""Train notebook 07's CNN on CIFAR-10 and ship it as in5400lib/weights/cifar10_cnn.{pt,json}.

Usage (the real subset, two CPU threads, about four minutes)::

    IN5400_DATA_DIR=/path/to/cifar-10-batches-py python benchmarks/train_reference.py

The run is reproducible: fixed seed, fixed thread count and a fixed number of
epochs (not a time budget, which would depend on the machine's speed). The
JSON record states the data (image counts and md5 of every batch file), the
settings, the measured training time and load, and the test accuracy.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from datetime import UTC, datetime
from pathlib import Path

import torch

from in5400lib.data import file_md5, load_cifar10
from in5400lib.models import WEIGHTS_DIR, build_sequential, save_checkpoint
from in5400lib.training import Batches, evaluate, fit, seed_everything


def conv_bn_relu(c_in: int, c_out: int) -> list[dict]:
    """3x3 convolution (no bias: BatchNorm shifts), BatchNorm, ReLU."""
    return [
        {"type": "Conv2d", "in_channels": c_in, "out_channels": c_out, "kernel_size": 3,
         "padding": 1, "bias": False},
        {"type": "BatchNorm2d", "num_features": c_out},
        {"type": "ReLU"},
    ]  # fmt: skip


MAX_POOL = [{"type": "MaxPool2d", "kernel_size": 2}]

#: Notebook 07's ``make_cnn()`` as a layer spec (keep the two in step: tests/test_models.py checks).
CNN_SPEC: list[dict] = [
    *conv_bn_relu(3, 32),
    *MAX_POOL,
    *conv_bn_relu(32, 64),
    {"type": "Residual", "layers": conv_bn_relu(64, 64)},
    *MAX_POOL,
    *conv_bn_relu(64, 80),
    {"type": "Residual", "layers": conv_bn_relu(80, 80)},
    *MAX_POOL,
    {"type": "Conv2d", "in_channels": 80, "out_channels": 10, "kernel_size": 1},
    {"type": "AdaptiveAvgPool2d", "output_size": 1},
    {"type": "Flatten"},
]

#: Training settings of the shipped model (also the notebook's defaults).
SETTINGS = {"lr": 0.1, "batch_size": 64, "weight_decay": 5e-4, "label_smoothing": 0.1}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=27)  # 231 s on 2 threads: the 4-min budget
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--data-dir", default=None, help="default: $IN5400_DATA_DIR or the cache")
    parser.add_argument("--out", type=Path, default=WEIGHTS_DIR / "cifar10_cnn")
    parser.add_argument(
        "--limit", type=int, default=None, help="use the first N images (smoke test)"
    )
    args = parser.parse_args()

    data = load_cifar10(args.data_dir)
    batches_dir = Path(args.data_dir or os.environ.get("IN5400_DATA_DIR", ""))
    if (batches_dir / "cifar-10-batches-py").is_dir():
        batches_dir = batches_dir / "cifar-10-batches-py"
    md5 = {f.name: file_md5(f) for f in sorted(batches_dir.glob("*_batch*"))}

    seed_everything(args.seed, args.threads)
    model = build_sequential(CNN_SPEC)
    train = (
        torch.as_tensor(data.x_train[: args.limit]),
        torch.as_tensor(data.y_train[: args.limit]),
    )
    test = (torch.as_tensor(data.x_test[: args.limit]), torch.as_tensor(data.y_test[: args.limit]))
    load_before = os.getloadavg()
    start = time.perf_counter()
    history = fit(
        model, train, test, epochs=args.epochs, seed=args.seed, threads=args.threads,
        device="cpu", **SETTINGS,
    )  # fmt: skip
    wall = time.perf_counter() - start
    mean, std = torch.tensor(history.mean), torch.tensor(history.std)
    test_batches = Batches(*test, 500, mean, std)
    flip = evaluate(model, test_batches, flip_average=True).accuracy

    record = {
        "name": "cifar10_cnn",
        "architecture": "notebook 07 make_cnn: conv-BN-ReLU with two residual blocks, "
        "1x1 conv to 10 maps, global average pool",
        "parameters": sum(p.numel() for p in model.parameters()),
        "data_source": data.source,
        "train_images": len(train[1]),
        "test_images": len(test[1]),
        "data_md5": md5,
        "seed": args.seed,
        "threads": args.threads,
        "epochs": history.epochs,
        "settings": {**SETTINGS, "augment": "random crop (padding 4) + horizontal flip",
                     "optimizer": "SGD, Nesterov momentum 0.9, one-cycle schedule"},
        "train_seconds": round(history.seconds[-1], 1),
        "wall_seconds_with_evaluation": round(wall, 1),
        "load_average_before_after": [round(load_before[0], 2), round(os.getloadavg()[0], 2)],
        "test_accuracy": history.test_accuracy[-1],
        "test_accuracy_flip_averaged": flip,
        "test_accuracy_per_epoch": [round(a, 4) for a in history.test_accuracy],
        "mean": history.mean,
        "std": history.std,
        "torch_version": str(torch.__version__),
        "python_version": platform.python_version(),
        "cpu": platform.processor() or platform.machine(),
        "created": datetime.now(UTC).strftime("%Y-%m-%d"),
    }  # fmt: skip
    args.out.parent.mkdir(parents=True, exist_ok=True)
    save_checkpoint(model, CNN_SPEC, record, args.out)
    print(
        f"{record['parameters']:,} parameters, {history.epochs} epochs in"
        f" {record['train_seconds']} s: test accuracy {record['test_accuracy']:.4f}"
        f" (flip-averaged {flip:.4f}) -> {args.out}.pt"
    )


if __name__ == "__main__":
    main()
