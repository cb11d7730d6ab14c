"""Tests of in5400lib.training: normalisation, augmentation, batching, evaluation and fit."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from in5400lib import training
from in5400lib.training import (
    Batches,
    OneCycle,
    channel_mean_std,
    confusion_matrix,
    evaluate,
    fit,
    normalize,
    predict,
    random_crop_flip,
    seed_everything,
)


def random_images(n: int, size: int = 8, seed: int = 0) -> torch.Tensor:
    rng = np.random.default_rng(seed)
    return torch.as_tensor(rng.integers(0, 256, size=(n, 3, size, size), dtype=np.uint8))


def colour_problem(n: int, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """uint8 images (n, 3, 8, 8) whose class (0..2) is the brightest channel."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, size=n)
    x = rng.integers(0, 120, size=(n, 3, 8, 8))
    x[np.arange(n), y] += 120
    return torch.as_tensor(x.astype(np.uint8)), torch.as_tensor(y)


def tiny_cnn(classes: int = 3) -> nn.Module:
    return nn.Sequential(
        nn.Conv2d(3, 8, 3, padding=1),
        nn.BatchNorm2d(8),
        nn.ReLU(),
        nn.Conv2d(8, classes, 1),
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
    )


def test_exercise_names_are_not_exported() -> None:
    for name in ("train_one_epoch", "accuracy", "make_cnn", "make_dense", "count_params"):
        assert not hasattr(training, name), f"in5400lib.training must not provide {name}"


def test_seed_everything_repeats_random_numbers_and_sets_threads() -> None:
    seed_everything(3, threads=1)
    first = (torch.rand(4), np.random.rand(4))
    assert torch.get_num_threads() == 1
    seed_everything(3, threads=1)
    assert torch.equal(first[0], torch.rand(4))
    np.testing.assert_array_equal(first[1], np.random.rand(4))


def test_channel_mean_std_matches_numpy() -> None:
    x = random_images(20, seed=1)
    mean, std = channel_mean_std(x)
    pixels = x.numpy().astype(np.float64).transpose(1, 0, 2, 3).reshape(3, -1) / 255
    np.testing.assert_allclose(mean.numpy(), pixels.mean(axis=1), rtol=1e-6)
    np.testing.assert_allclose(std.numpy(), pixels.std(axis=1, ddof=1), rtol=1e-5)
    assert mean.shape == (3,) and mean.dtype == torch.float32


def test_normalize_gives_zero_mean_unit_std_per_channel() -> None:
    x = random_images(30, seed=2)
    mean, std = channel_mean_std(x)
    z = normalize(x, mean, std)
    assert z.dtype == torch.float32 and z.shape == x.shape
    np.testing.assert_allclose(z.mean(dim=(0, 2, 3)).numpy(), 0, atol=1e-5)
    np.testing.assert_allclose(z.std(dim=(0, 2, 3)).numpy(), 1, atol=1e-4)


def test_random_crop_flip_returns_crops_of_the_padded_image() -> None:
    x = random_images(40, size=6, seed=3)
    before = x.clone()
    out = random_crop_flip(x, padding=2, generator=torch.Generator().manual_seed(0))
    assert torch.equal(x, before), "the input must not change"
    assert out.shape == x.shape and out.dtype == x.dtype
    padded = torch.nn.functional.pad(x, (2, 2, 2, 2))
    flipped_count = 0
    for i in range(len(x)):
        candidates = [
            (flip, padded[i, :, dy : dy + 6, dx : dx + 6])
            for dy in range(5)
            for dx in range(5)
            for flip in (False, True)
        ]
        matches = [flip for flip, c in candidates if torch.equal(out[i], c.flip(-1) if flip else c)]
        assert matches, f"image {i} is not a (mirrored) crop of the padded image"
        flipped_count += all(matches)
    assert 5 < flipped_count < 35, "about half of the images should be mirrored"


def test_random_crop_flip_without_padding_only_mirrors() -> None:
    x = random_images(10, seed=4)
    out = random_crop_flip(x, padding=0, generator=torch.Generator().manual_seed(1))
    for original, result in zip(x, out, strict=True):
        assert torch.equal(result, original) or torch.equal(result, original.flip(-1))


def test_batches_visit_every_sample_once_per_epoch() -> None:
    x = random_images(23, seed=5)
    y = torch.arange(23)
    mean, std = channel_mean_std(x)
    batches = Batches(x, y, 5, mean, std, shuffle=True, seed=1)
    assert len(batches) == 5
    for _ in range(2):
        sizes, labels = [], []
        for xb, yb in batches:
            assert xb.dtype == torch.float32 and xb.shape[1:] == (3, 8, 8)
            torch.testing.assert_close(xb, normalize(x[yb], mean, std))
            sizes.append(len(yb))
            labels.append(yb)
        assert sizes == [5, 5, 5, 5, 3]
        assert sorted(torch.cat(labels).tolist()) == list(range(23))


def test_batches_reject_mismatched_lengths() -> None:
    x = random_images(4)
    with pytest.raises(ValueError, match="4 images but y has 3 labels"):
        Batches(x, torch.zeros(3, dtype=torch.int64), 2, *channel_mean_std(x))


def test_predict_and_evaluate_match_a_direct_forward_pass() -> None:
    torch.manual_seed(0)
    model = tiny_cnn()
    x, y = colour_problem(30, seed=6)
    mean, std = channel_mean_std(x)
    batches = Batches(x, y, 7, mean, std)
    model.train()
    logits = predict(model, batches)
    assert model.training, "predict restores the previous mode"
    model.eval()
    with torch.no_grad():
        z = normalize(x, mean, std)
        expected = model(z)
        mirrored = (expected + model(z.flip(-1))) / 2
    torch.testing.assert_close(logits, expected, rtol=1e-5, atol=1e-5)
    torch.testing.assert_close(predict(model, batches, flip_average=True), mirrored)
    metrics = evaluate(model, batches)
    loss = nn.functional.cross_entropy(expected, y).item()
    assert metrics.loss == pytest.approx(loss, rel=1e-5)
    assert metrics.accuracy == pytest.approx((expected.argmax(1) == y).double().mean().item())


def test_predict_applies_the_transform_to_every_batch_and_never_exceeds_a_batch() -> None:
    class Recorder(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.sizes: list[int] = []

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            self.sizes.append(len(x))
            return x.mean(dim=(2, 3))

    x, y = colour_problem(23, seed=8)
    mean, std = channel_mean_std(x)
    model = Recorder()
    logits = predict(model, Batches(x, y, 10, mean, std), transform=lambda xb: -xb.flip(1))
    expected = -normalize(x, mean, std).flip(1).mean(dim=(2, 3))
    torch.testing.assert_close(logits, expected)
    assert model.sizes == [10, 10, 3]
    negated = -normalize(x, mean, std).mean(dim=(2, 3))  # predicts the darkest channel
    accuracy = evaluate(model, Batches(x, y, 10, mean, std), transform=torch.neg).accuracy
    assert accuracy == pytest.approx(negated.argmax(1).eq(y).double().mean().item())


def test_confusion_matrix_counts_true_rows_and_predicted_columns() -> None:
    class Brightest(nn.Module):
        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return x.mean(dim=(2, 3))  # logits = channel means: predicts the brightest channel

    x, y = colour_problem(50, seed=7)
    y_wrong = y.clone()
    y_wrong[:10] = (y[:10] + 1) % 3
    model = Brightest()
    dummy = nn.Linear(1, 1)  # gives the model a parameter (and so a device)
    model.dummy = dummy
    cm = confusion_matrix(model, x.float(), y_wrong, num_classes=3, batch_size=8)
    expected = np.zeros((3, 3), dtype=np.int64)
    for true, predicted in zip(y_wrong.tolist(), y.tolist(), strict=True):
        expected[true, predicted] += 1
    np.testing.assert_array_equal(cm, expected)
    assert cm.sum() == 50 and np.trace(cm) == 40
    with pytest.raises(ValueError, match="mean and std"):
        confusion_matrix(model, x, y)


def test_one_cycle_warms_up_peaks_and_anneals() -> None:
    optimizer = torch.optim.SGD(nn.Linear(1, 1).parameters(), lr=1.0)
    schedule = OneCycle(optimizer, peak_lr=1.0, total_steps=100)
    rates = []
    for _ in range(100):
        rates.append(optimizer.param_groups[0]["lr"])
        schedule.step()
    assert rates[0] == pytest.approx(0.1)
    assert max(rates) == pytest.approx(1.0, abs=1e-3) and int(np.argmax(rates)) == 25
    assert optimizer.param_groups[0]["lr"] < 1e-3
    schedule = OneCycle(optimizer, peak_lr=1.0, total_steps=100)
    schedule.step(time_fraction=0.25)
    assert optimizer.param_groups[0]["lr"] == pytest.approx(1.0), "time moves the schedule too"
    schedule.step(time_fraction=1.0)
    assert optimizer.param_groups[0]["lr"] < 1e-3


def test_fit_learns_a_simple_problem_and_records_history() -> None:
    train, test = colour_problem(240, seed=8), colour_problem(90, seed=9)
    seed_everything(0, threads=1)
    model = tiny_cnn()
    history = fit(model, train, test, epochs=4, lr=0.1, batch_size=32, threads=1, progress=False)
    assert history.epochs == 4 and len(history.test_accuracy) == 4 and len(history.seconds) == 4
    assert history.test_accuracy[-1] > 0.9
    assert history.train_loss[-1] < history.train_loss[0]
    assert not model.training
    np.testing.assert_allclose(history.mean, channel_mean_std(train[0])[0].numpy())


def test_fit_is_reproducible() -> None:
    train = colour_problem(64, seed=10)
    losses = []
    for _ in range(2):
        seed_everything(1, threads=1)
        history = fit(tiny_cnn(), train, None, epochs=2, batch_size=16, threads=1, progress=False)
        losses.append(history.train_loss)
    assert losses[0] == losses[1]


def test_fit_respects_the_time_budget() -> None:
    train = colour_problem(512, seed=11)
    seed_everything(0, threads=1)
    model = tiny_cnn()
    history = fit(
        model, train, None, 1000, batch_size=16, time_budget=0.5, threads=1, progress=False
    )
    assert history.stopped_early and history.epochs < 1000
    assert 0.5 <= history.seconds[-1] < 0.5 + 0.5, "training stops within a step of the budget"
