"""A small, readable training loop for image classifiers on in-memory CIFAR-10.

The pieces, in the order a batch meets them::

    x_train (N, 3, 32, 32) uint8 --Batches--> random crop + flip --> normalise --> float32 batch
    fit(model, (x_train, y_train), (x_test, y_test), epochs=30)  ->  History

``fit`` adds what a real run needs around the plain "forward, loss, backward,
step" loop: fixed seeds and thread count, a one-cycle learning-rate schedule,
label smoothing, a wall-clock budget, a tqdm bar per epoch and an evaluation
after every epoch. The notebook's exercises write the plain loop themselves;
this module is what runs the long experiments afterwards.
"""

from __future__ import annotations

import math
import os
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from tqdm.auto import tqdm

__all__ = [
    "Batches",
    "History",
    "Metrics",
    "OneCycle",
    "channel_mean_std",
    "confusion_matrix",
    "default_device",
    "evaluate",
    "fit",
    "normalize",
    "predict",
    "random_crop_flip",
    "seed_everything",
]


# --- reproducibility and devices ---------------------------------------------------------------


def seed_everything(seed: int, threads: int | None = None) -> None:
    """Seed Python, numpy and torch, and fix torch's CPU thread count.

    ``threads=None`` keeps ``IN5400_THREADS`` if set, else uses all cores
    (``os.cpu_count()``). A fixed thread count keeps CPU runs reproducible and
    their timings comparable.
    """
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    if threads is None:
        threads = int(os.environ.get("IN5400_THREADS", os.cpu_count() or 1))
    torch.set_num_threads(threads)


def default_device() -> torch.device:
    """The GPU if one is present, else the CPU."""
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


# --- normalisation and augmentation -------------------------------------------------------------


def channel_mean_std(images: torch.Tensor, chunk: int = 1000) -> tuple[torch.Tensor, torch.Tensor]:
    """Per-channel mean and standard deviation of ``images`` (N, C, H, W), on the 0..1 scale.

    Returns two float32 tensors of shape (C,). Compute them on the training set
    only and reuse them for the test set. The sums run over ``chunk`` images at
    a time in float64, so no float copy of the whole set is made.
    """
    images = torch.as_tensor(images)
    scale = 255.0 if images.dtype == torch.uint8 else 1.0
    total = torch.zeros(images.shape[1], dtype=torch.float64)
    squares = torch.zeros(images.shape[1], dtype=torch.float64)
    for start in range(0, len(images), chunk):
        x = images[start : start + chunk].to(torch.float64) / scale
        total += x.sum(dim=(0, 2, 3))
        squares += (x * x).sum(dim=(0, 2, 3))
    count = images.numel() // images.shape[1]
    mean = total / count
    variance = (squares - count * mean * mean) / (count - 1)
    return mean.float(), variance.clamp(min=0).sqrt().float()


def normalize(images: torch.Tensor, mean: torch.Tensor, std: torch.Tensor) -> torch.Tensor:
    """Map uint8 images (N, C, H, W) to float32 with zero mean and unit std per channel.

    ``mean`` and ``std`` have shape (C,) and are on the 0..1 scale (see ``channel_mean_std``).
    """
    x = images.float() / 255.0 if images.dtype == torch.uint8 else images.float()
    mean = torch.as_tensor(mean, dtype=torch.float32, device=x.device).view(1, -1, 1, 1)
    std = torch.as_tensor(std, dtype=torch.float32, device=x.device).view(1, -1, 1, 1)
    return (x - mean) / std


def random_crop_flip(
    images: torch.Tensor, padding: int = 4, generator: torch.Generator | None = None
) -> torch.Tensor:
    """Standard CIFAR augmentation: pad with zeros, crop back at a random offset, flip half.

    ``images`` (N, C, H, W) of any dtype; returns a new tensor of the same
    shape. Every image gets its own offset in ``0..2*padding`` along each axis
    and is mirrored left-right with probability 1/2.
    """
    n, _, h, w = images.shape
    padded = F.pad(images, (padding, padding, padding, padding))
    top = torch.randint(0, 2 * padding + 1, (n, 1), generator=generator)
    left = torch.randint(0, 2 * padding + 1, (n, 1), generator=generator)
    flip = torch.rand(n, 1, generator=generator) < 0.5
    rows = top + torch.arange(h)  # (N, H): source row of every output row
    cols = left + torch.where(flip, torch.arange(w - 1, -1, -1), torch.arange(w))  # (N, W)
    channels_last = padded.permute(0, 2, 3, 1)  # (N, H+2p, W+2p, C)
    crops = channels_last[torch.arange(n)[:, None, None], rows[:, :, None], cols[:, None, :]]
    return crops.permute(0, 3, 1, 2).contiguous()


# --- batching ------------------------------------------------------------------------------------


class Batches:
    """Mini-batches of normalised float32 images from in-memory uint8 tensors.

    ``for xb, yb in Batches(x, y, 128, mean, std, shuffle=True, augment=True)``
    yields ``xb`` (B, C, H, W) float32 and ``yb`` (B,) int64; the object can be
    iterated again for the next epoch (a new shuffle, new augmentations).
    ``len()`` is the number of batches; the last one may be smaller.
    """

    def __init__(
        self,
        x: torch.Tensor,
        y: torch.Tensor,
        batch_size: int,
        mean: torch.Tensor,
        std: torch.Tensor,
        shuffle: bool = False,
        augment: bool = False,
        seed: int = 0,
        device: torch.device | str = "cpu",
    ) -> None:
        x, y = torch.as_tensor(x), torch.as_tensor(y)
        if len(x) != len(y):
            raise ValueError(f"x has {len(x)} images but y has {len(y)} labels")
        self.x, self.y = x, y
        self.batch_size = batch_size
        self.mean, self.std = mean, std
        self.shuffle, self.augment = shuffle, augment
        self.generator = torch.Generator().manual_seed(seed)
        self.device = torch.device(device)

    def __len__(self) -> int:
        return math.ceil(len(self.x) / self.batch_size)

    def __iter__(self) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        n = len(self.x)
        order = torch.randperm(n, generator=self.generator) if self.shuffle else torch.arange(n)
        for start in range(0, n, self.batch_size):
            index = order[start : start + self.batch_size]
            xb = self.x[index]
            if self.augment:
                xb = random_crop_flip(xb, generator=self.generator)
            xb = normalize(xb.to(self.device), self.mean, self.std)
            yield xb.contiguous(memory_format=torch.channels_last), self.y[index].to(self.device)


# --- evaluation ----------------------------------------------------------------------------------


@torch.no_grad()
def predict(
    model: nn.Module,
    batches: Batches,
    flip_average: bool = False,
    transform: Callable[[torch.Tensor], torch.Tensor] | None = None,
) -> torch.Tensor:
    """Logits (N, num_classes) of ``model`` in eval mode for every image in ``batches``.

    Only one batch at a time goes through the network, so memory does not grow
    with N. ``transform`` (optional) maps each normalised batch (B, C, H, W) to the
    batch the model sees (a shift, a rotation, ...). With ``flip_average=True`` the
    logits of each image and its mirror image are averaged (test-time
    augmentation). The model's training/eval mode is restored afterwards.
    """
    was_training = model.training
    model.eval()
    outputs = []
    try:
        for xb, _ in batches:
            if transform is not None:
                xb = transform(xb)
            logits = model(xb)
            if flip_average:
                logits = (logits + model(xb.flip(-1))) / 2
            outputs.append(logits.float().cpu())
    finally:
        model.train(was_training)
    return torch.cat(outputs)


@dataclass
class Metrics:
    """Mean cross-entropy loss and accuracy (fraction in [0, 1]) on a data set."""

    loss: float
    accuracy: float


def evaluate(
    model: nn.Module,
    batches: Batches,
    flip_average: bool = False,
    transform: Callable[[torch.Tensor], torch.Tensor] | None = None,
) -> Metrics:
    """Loss and accuracy of ``model`` on all of ``batches`` (eval mode, no gradients).

    ``flip_average`` and ``transform`` as in ``predict``.
    """
    logits = predict(model, batches, flip_average, transform)
    labels = batches.y.cpu()
    loss = F.cross_entropy(logits, labels).item()
    accuracy = (logits.argmax(dim=1) == labels).double().mean().item()
    return Metrics(loss, accuracy)


def confusion_matrix(
    model: nn.Module,
    x: torch.Tensor,
    y: torch.Tensor,
    mean: torch.Tensor | None = None,
    std: torch.Tensor | None = None,
    num_classes: int = 10,
    batch_size: int = 500,
) -> np.ndarray:
    """Confusion matrix (num_classes, num_classes): entry [i, j] counts true class i predicted j.

    ``x`` (N, C, H, W) is either uint8 images (then ``mean``/``std`` are needed)
    or already normalised float images.
    """
    if x.dtype == torch.uint8:
        if mean is None or std is None:
            raise ValueError("uint8 images need the normalisation mean and std")
    else:
        mean, std = torch.zeros(x.shape[1]), torch.ones(x.shape[1])
    batches = Batches(x, y, batch_size, mean, std, device=_device_of(model))
    predicted = predict(model, batches).argmax(dim=1).numpy()
    matrix = np.zeros((num_classes, num_classes), dtype=np.int64)
    np.add.at(matrix, (y.cpu().numpy(), predicted), 1)
    return matrix


def _device_of(model: nn.Module) -> torch.device:
    parameter = next(model.parameters(), None)
    return parameter.device if parameter is not None else torch.device("cpu")


# --- training ------------------------------------------------------------------------------------


@dataclass
class History:
    """Per-epoch record of a ``fit`` run (lists have one entry per finished epoch).

    Accuracies are fractions in [0, 1]; ``seconds`` is the cumulative training
    time (evaluation excluded) at the end of each epoch. ``mean``/``std`` is the
    normalisation used, needed to evaluate the model later.
    """

    train_loss: list[float] = field(default_factory=list)
    train_accuracy: list[float] = field(default_factory=list)
    test_loss: list[float] = field(default_factory=list)
    test_accuracy: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    mean: list[float] = field(default_factory=list)
    std: list[float] = field(default_factory=list)
    stopped_early: bool = False

    @property
    def epochs(self) -> int:
        return len(self.train_loss)

    def as_dict(self) -> dict[str, object]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def fit(
    model: nn.Module,
    train_data: tuple[torch.Tensor, torch.Tensor],
    test_data: tuple[torch.Tensor, torch.Tensor] | None,
    epochs: int,
    lr: float = 0.2,
    batch_size: int = 128,
    weight_decay: float = 5e-4,
    momentum: float = 0.9,
    label_smoothing: float = 0.1,
    augment: bool = True,
    time_budget: float | None = None,
    seed: int = 0,
    threads: int | None = None,
    device: torch.device | str | None = None,
    progress: bool = True,
) -> History:
    """Train ``model`` with SGD + Nesterov momentum and a one-cycle schedule; return its History.

    ``train_data``/``test_data`` are ``(x, y)`` with x (N, 3, H, W) uint8 and y (N,)
    int64 class indices. Images are normalised with the per-channel mean/std of
    the training images and (``augment=True``) randomly cropped and flipped.

    ``time_budget`` (seconds of training, evaluation not counted) ends training
    when the budget is used up, and the one-cycle schedule follows whichever
    runs out first, steps or time: its position is
    ``max(step / total_steps, training_time / time_budget)``, so the learning
    rate still ends near zero when the budget, not ``epochs``, stops the run.
    ``seed`` fixes shuffling and augmentation; seed the model's initialisation
    yourself (``seed_everything``) before building it.
    """
    seed_everything(seed, threads)
    device = torch.device(device) if device is not None else default_device()
    model.to(device=device, memory_format=torch.channels_last)
    x_train, y_train = (torch.as_tensor(a) for a in train_data)
    mean, std = channel_mean_std(x_train)
    train_batches = Batches(
        x_train,
        y_train,
        batch_size,
        mean,
        std,
        shuffle=True,
        augment=augment,
        seed=seed,
        device=device,
    )
    test_batches = None
    if test_data is not None:
        test_batches = Batches(*test_data, 500, mean, std, device=device)

    optimizer = torch.optim.SGD(
        model.parameters(), lr=lr, momentum=momentum, nesterov=True, weight_decay=weight_decay
    )
    schedule = OneCycle(optimizer, peak_lr=lr, total_steps=epochs * len(train_batches))
    history = History(mean=mean.tolist(), std=std.tolist())
    elapsed = 0.0  # training seconds of the finished epochs
    for epoch in range(epochs):
        start = time.perf_counter()
        bar = tqdm(
            train_batches, desc=f"epoch {epoch + 1}/{epochs}", leave=False, disable=not progress
        )
        clock_start = start - elapsed  # as if all epochs so far had run back to back
        train = _train_steps(
            model, bar, optimizer, schedule, label_smoothing, time_budget, clock_start
        )
        elapsed += time.perf_counter() - start
        history.train_loss.append(train.loss)
        history.train_accuracy.append(train.accuracy)
        history.seconds.append(elapsed)
        message = f"epoch {epoch + 1}: train loss {train.loss:.3f} acc {train.accuracy:.3f}"
        if test_batches is not None:
            test = evaluate(model, test_batches)
            history.test_loss.append(test.loss)
            history.test_accuracy.append(test.accuracy)
            message += f", test loss {test.loss:.3f} acc {test.accuracy:.3f}"
        if progress:
            tqdm.write(f"{message} ({elapsed:.0f} s)")
        if time_budget is not None and elapsed >= time_budget:
            history.stopped_early = epoch + 1 < epochs
            break
    model.eval()
    return history


class OneCycle:
    """Learning rate rises linearly from peak/10 to ``peak_lr`` over the first 25% of the run,
    then falls linearly to ~0.

    Call ``step()`` after every optimizer step; ``step(time_fraction)`` also
    moves the schedule by elapsed time (fraction of a time budget), whichever
    is further along.
    """

    def __init__(self, optimizer: torch.optim.Optimizer, peak_lr: float, total_steps: int) -> None:
        self.optimizer, self.peak_lr = optimizer, peak_lr
        self.total_steps, self.done, self.time_fraction = total_steps, 0, 0.0
        self._apply()

    def step(self, time_fraction: float = 0.0) -> None:
        self.done += 1
        self.time_fraction = time_fraction
        self._apply()

    def lr(self) -> float:
        fraction = min(max(self.done / self.total_steps, self.time_fraction), 1.0)
        if fraction < 0.25:
            return self.peak_lr * (0.1 + 0.9 * fraction / 0.25)
        return self.peak_lr * (1e-4 + (1 - 1e-4) * (1.0 - fraction) / 0.75)

    def _apply(self) -> None:
        for group in self.optimizer.param_groups:
            group["lr"] = self.lr()


def _train_steps(
    model: nn.Module,
    batches: Iterator[tuple[torch.Tensor, torch.Tensor]],
    optimizer: torch.optim.Optimizer,
    schedule: OneCycle,
    label_smoothing: float,
    time_budget: float | None,
    clock_start: float,
) -> Metrics:
    """One pass of optimisation over ``batches``.

    With a ``time_budget`` (seconds since ``clock_start``, a ``time.perf_counter()``
    value) the schedule also follows the elapsed fraction of the budget, and the
    pass stops early when the budget is used up.
    """
    model.train()
    total_loss, correct, seen = 0.0, 0, 0
    for xb, yb in batches:
        logits = model(xb)
        loss = F.cross_entropy(logits, yb, label_smoothing=label_smoothing)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        used = 0.0 if time_budget is None else (time.perf_counter() - clock_start) / time_budget
        schedule.step(used)
        total_loss += loss.item() * len(yb)
        correct += int((logits.argmax(dim=1) == yb).sum())
        seen += len(yb)
        if used >= 1.0:
            break
    return Metrics(total_loss / max(seen, 1), correct / max(seen, 1))
