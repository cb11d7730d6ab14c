"""Tests of ``in5400lib.receptive_field``.

Two independent references:

* the published values of Araujo, Norris and Sim, "Computing Receptive Fields of
  Convolutional Neural Networks" (Distill 2019, table of the google-research
  ``receptive_field`` package), for AlexNet-v2, VGG-16 and ResNet-50 v1 as in
  TF-Slim;
* autograd: in a copy of a random stack where every layer is replaced by a
  convolution with the same footprint and all-one weights, output unit ``i``
  has a non-zero input gradient exactly on the rows it can see, which must be
  ``[i * S - P, i * S - P + r - 1]`` clipped to the image.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from in5400lib.models import Residual
from in5400lib.receptive_field import ReceptiveFieldRow, ReceptiveFieldTable, receptive_field_of

META = {"device": "meta"}  # architectures are walked, never run: no memory for weights


def conv(c_in: int, c_out: int, kernel: int, stride: int = 1, padding: int = 0) -> nn.Conv2d:
    return nn.Conv2d(c_in, c_out, kernel, stride=stride, padding=padding, **META)


def alexnet_v2() -> nn.Sequential:
    """TF-Slim ``alexnet_v2`` up to ``pool5``.

    TF 'VALID' is ``padding=0``. TF 'SAME' with stride 1 and an odd kernel F pads
    (F - 1) / 2 on each side, which is torch's symmetric ``padding=(F - 1) // 2``.
    """
    return nn.Sequential(
        conv(3, 64, 11, stride=4),
        nn.ReLU(),
        nn.MaxPool2d(3, 2),
        conv(64, 192, 5, padding=2),
        nn.ReLU(),
        nn.MaxPool2d(3, 2),
        conv(192, 384, 3, padding=1),
        nn.ReLU(),
        conv(384, 384, 3, padding=1),
        nn.ReLU(),
        conv(384, 256, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(3, 2),
    )


def vgg_16() -> nn.Sequential:
    """TF-Slim ``vgg_16`` up to ``pool5``: 3x3 'SAME' convolutions, 2x2/2 'VALID' pooling."""
    layers: list[nn.Module] = []
    c_in = 3
    for repeats, c_out in [(2, 64), (2, 128), (3, 256), (3, 512), (3, 512)]:
        for _ in range(repeats):
            layers += [conv(c_in, c_out, 3, padding=1), nn.ReLU()]
            c_in = c_out
        layers.append(nn.MaxPool2d(2, 2))
    return nn.Sequential(*layers)


def bottleneck_main_path(
    c_in: int, width: int, stride: int, stride_on_3x3: bool = True
) -> nn.Sequential:
    """The main path 1x1 -> 3x3 -> 1x1 of a ResNet v1 bottleneck block.

    The shortcut (identity or a strided 1x1) sees a subset of the main path's
    field, so the block's receptive field is the main path's. TF-Slim's
    ``resnet_v1`` strides the 3x3 with ``conv2d_same``: explicit padding
    ``(F - 1) // 2 = 1`` at the top/left, then 'VALID'. With stride 1 it is a 'SAME'
    3x3, also padding 1 at the top/left. ``stride_on_3x3=False`` strides the first
    1x1 instead (the original Caffe ResNet).
    """
    s3, s1 = (stride, 1) if stride_on_3x3 else (1, stride)
    return nn.Sequential(
        conv(c_in, width, 1, stride=s1),
        nn.BatchNorm2d(width, **META),
        nn.ReLU(),
        conv(width, width, 3, stride=s3, padding=1),
        nn.BatchNorm2d(width, **META),
        nn.ReLU(),
        conv(width, 4 * width, 1),
        nn.BatchNorm2d(4 * width, **META),
    )


def resnet_v1_50(stride_on_3x3: bool = True) -> nn.Sequential:
    """TF-Slim ``resnet_v1_50`` up to ``block4``, following each block's main path.

    Stem: ``conv2d_same`` 7x7/2 (explicit padding 3 at the top/left) and a 3x3/2
    max pool with TF 'SAME' padding. For a 224x224 input TF 'SAME' pads that pool
    by 0 at the top/left and 1 at the bottom/right (112 -> 56); torch writes this
    as ``ZeroPad2d((0, 1, 0, 1))`` followed by an unpadded max pool (zero padding
    equals -inf padding after a ReLU). TF-Slim's stages put the stride on the
    last unit of blocks 1-3.
    """
    stages: list[nn.Module] = [
        nn.Sequential(
            conv(3, 64, 7, stride=2, padding=3),
            nn.BatchNorm2d(64, **META),
            nn.ReLU(),
            nn.ZeroPad2d((0, 1, 0, 1)),
            nn.MaxPool2d(3, 2),
        )
    ]
    c_in = 64
    for units, width, last_stride in [(3, 64, 2), (4, 128, 2), (6, 256, 2), (3, 512, 1)]:
        blocks = []
        for unit in range(units):
            stride = last_stride if unit == units - 1 else 1
            blocks.append(bottleneck_main_path(c_in, width, stride, stride_on_3x3))
            c_in = 4 * width
        stages.append(nn.Sequential(*blocks))
    return nn.Sequential(*stages)


@pytest.mark.parametrize(
    ("build", "expected"),
    [
        (alexnet_v2, (195, 32, 64)),
        (vgg_16, (212, 32, 90)),
        (resnet_v1_50, (483, 32, 239)),
    ],
    ids=["alexnet_v2", "vgg_16", "resnet_v1_50"],
)
def test_published_values_of_araujo_et_al(build, expected):
    final = receptive_field_of(build(), input_size=224).final
    r, s, p = expected
    assert final.receptive_field == (r, r)
    assert final.stride == (s, s)
    assert final.padding == (p, p)


def test_resnet_output_sizes_match_the_tf_slim_feature_maps():
    table = receptive_field_of(resnet_v1_50(), input_size=224)
    sizes = [row.output_size for row in table]
    assert sizes[0] == (112, 112)  # conv1
    assert sizes[2] == (56, 56)  # pool1 with TF 'SAME' padding
    assert table.final.output_size == (7, 7)


def test_resnet_stride_on_the_first_1x1_gives_a_larger_field():
    # Striding the 1x1 makes the 3x3 of the same unit work at the doubled stride:
    # 2 * 4 + 2 * 8 + 2 * 16 = 56 more pixels than the published 483.
    final = receptive_field_of(resnet_v1_50(stride_on_3x3=False), input_size=224).final
    assert final.receptive_field == (539, 539)
    assert final.stride == (32, 32)


def test_vgg_rows_follow_the_recursion_layer_by_layer():
    table = receptive_field_of(vgg_16())
    fields = [row.receptive_field[0] for row in table]
    assert fields[:6] == [3, 5, 6, 10, 14, 16]
    assert [row.stride[0] for row in table][:6] == [1, 1, 2, 2, 2, 4]
    assert len(table) == 13 + 5  # ReLUs get no row


# --- autograd cross-check on random stacks ---------------------------------------


def random_stack(rng: np.random.Generator, depth: int) -> list[dict]:
    """Random layer specs: non-square kernels, strides, dilations and paddings."""
    specs = []
    for _ in range(depth):
        kind = rng.choice(["conv", "conv", "max", "avg", "pad"])
        kernel = tuple(int(k) for k in rng.integers(1, 5, size=2))
        stride = tuple(int(s) for s in rng.integers(1, 3, size=2))
        if kind == "conv":
            dilation = tuple(int(d) for d in rng.integers(1, 3, size=2))
            padding = tuple(int(p) for p in rng.integers(0, 3, size=2))
        elif kind == "max":
            kernel = tuple(max(k, 2) for k in kernel)
            dilation = tuple(int(d) for d in rng.integers(1, 3, size=2))
            padding = tuple(int(rng.integers(0, k // 2 + 1)) for k in kernel)
        elif kind == "avg":
            kernel = tuple(max(k, 2) for k in kernel)
            dilation = (1, 1)
            padding = tuple(int(rng.integers(0, k // 2 + 1)) for k in kernel)
        else:
            kernel, stride, dilation = (1, 1), (1, 1), (1, 1)
            padding = tuple(int(p) for p in rng.integers(0, 3, size=4))
        specs.append(
            {
                "kind": kind,
                "kernel": kernel,
                "stride": stride,
                "dilation": dilation,
                "padding": padding,
            }
        )
    return specs


def build_model(specs: list[dict]) -> nn.Sequential:
    """The stack as users write it, with ReLUs in between."""
    layers: list[nn.Module] = []
    for spec in specs:
        k, s, d, p = spec["kernel"], spec["stride"], spec["dilation"], spec["padding"]
        if spec["kind"] == "conv":
            layers.append(nn.Conv2d(2, 2, k, stride=s, dilation=d, padding=p))
        elif spec["kind"] == "max":
            layers.append(nn.MaxPool2d(k, stride=s, padding=p, dilation=d))
        elif spec["kind"] == "avg":
            layers.append(nn.AvgPool2d(k, stride=s, padding=p))
        else:
            layers.append(nn.ZeroPad2d(p))
        layers.append(nn.ReLU())
    return nn.Sequential(*layers)


def build_footprint(specs: list[dict]) -> nn.Sequential:
    """Every layer as a 1-channel convolution with the same footprint and all-one weights.

    Max pooling sends its gradient to one input only, so it is measured through
    a convolution over the same window. All weights positive and no bias: the
    input gradient of an output unit is non-zero exactly on the pixels it sees.
    """
    layers: list[nn.Module] = []
    for spec in specs:
        if spec["kind"] == "pad":
            layers.append(nn.ZeroPad2d(spec["padding"]))
            continue
        layer = nn.Conv2d(
            1,
            1,
            spec["kernel"],
            stride=spec["stride"],
            dilation=spec["dilation"],
            padding=spec["padding"],
            bias=False,
        )
        nn.init.ones_(layer.weight)
        layers.append(layer)
    return nn.Sequential(*layers).double()


def measured_extents(
    footprint: nn.Module, size: tuple[int, int], axis: int
) -> list[tuple[int, int] | None]:
    """``(first, last)`` input row (axis 0) or column (axis 1) seen by each output row/column.

    ``None`` for a unit that sees only padding (after a padding layer).
    """
    x = torch.ones(1, 1, *size, dtype=torch.float64, requires_grad=True)
    out = footprint(x)
    h_out, w_out = out.shape[-2:]
    extents = []
    for i in range(out.shape[2 + axis]):
        unit = out[0, 0, i, w_out // 2] if axis == 0 else out[0, 0, h_out // 2, i]
        (grad,) = torch.autograd.grad(unit, x, retain_graph=True)
        seen = np.flatnonzero(grad[0, 0].numpy().sum(axis=1 - axis) > 0)
        extents.append((int(seen[0]), int(seen[-1])) if seen.size else None)
    return extents


@pytest.mark.parametrize("seed", range(8))
def test_agrees_with_autograd_on_random_stacks(seed):
    rng = np.random.default_rng(seed)
    size = (int(rng.integers(40, 56)), int(rng.integers(40, 56)))
    while True:
        specs = random_stack(rng, depth=int(rng.integers(3, 6)))
        try:
            table = receptive_field_of(build_model(specs), input_size=size)
        except ValueError:  # the random stack shrinks the input to nothing: draw again
            continue
        break
    final = table.final
    footprint = build_footprint(specs)
    assert tuple(build_model(specs)(torch.zeros(1, 2, *size)).shape[-2:]) == final.output_size
    assert tuple(footprint(torch.zeros(1, 1, *size, dtype=torch.float64)).shape[-2:]) == (
        final.output_size
    )
    for axis in (0, 1):
        r, s, p = final.receptive_field[axis], final.stride[axis], final.padding[axis]
        inside = 0
        for i, seen in enumerate(measured_extents(footprint, size, axis)):
            first, last = i * s - p, i * s - p + r - 1
            if 0 <= first and last < size[axis]:
                # The two ends of a field are always taps; gaps (dilation) lie between.
                assert seen == (first, last), f"unit {i} on axis {axis}"
                inside += 1
            elif seen is not None:  # near the border: what it sees lies within the field
                assert first <= seen[0] and seen[1] <= last, f"unit {i} on axis {axis}"
        assert inside >= 1, "the input is too small to see a whole field"


def test_non_square_layers_are_reported_per_axis():
    net = nn.Sequential(
        nn.Conv2d(1, 1, (3, 5), stride=(1, 2), padding=(1, 0)),
        nn.MaxPool2d((2, 3), stride=(2, 1), dilation=(1, 2)),
    )
    table = receptive_field_of(net, input_size=(20, 31))
    assert table[0].receptive_field == (3, 5)
    assert table[0].stride == (1, 2)
    assert table[0].padding == (1, 0)
    assert table[0].output_size == (20, 14)
    assert table[1].receptive_field == (3 + 1 * 1, 5 + 2 * 2 * 2)
    assert table[1].stride == (2, 2)
    assert table[1].output_size == tuple(net(torch.zeros(1, 1, 20, 31)).shape[-2:])


def test_string_paddings_of_conv2d():
    same = receptive_field_of(nn.Conv2d(1, 1, (4, 3), padding="same", dilation=(1, 2)), 10)
    assert same[0].padding == (1, 2)  # torch puts the odd pixel of 'same' at the bottom
    assert same[0].receptive_field == (4, 5)
    assert same[0].output_size == (10, 10)
    valid = receptive_field_of(nn.Conv2d(1, 1, 3, padding="valid"), 10)
    assert valid[0].padding == (0, 0)
    assert valid[0].output_size == (8, 8)


def test_ceil_mode_output_size_matches_torch():
    for size in range(5, 14):
        pool = nn.MaxPool2d(3, 2, padding=1, ceil_mode=True)
        row = receptive_field_of(pool, (size, size + 1))[0]
        assert row.output_size == tuple(pool(torch.zeros(1, 1, size, size + 1)).shape[-2:])


def test_pass_through_layers_get_no_row_and_names_follow_nesting():
    net = nn.Sequential(
        nn.Conv2d(3, 4, 3),
        nn.BatchNorm2d(4),
        nn.Dropout(0.5),
        nn.Sequential(nn.Identity(), nn.GELU(), nn.AvgPool2d(2)),
    )
    table = receptive_field_of(net)
    assert [row.name for row in table] == ["0", "3.2"]
    assert table.final.receptive_field == (4, 4)
    assert table.final.output_size is None


def test_a_residual_block_has_the_field_of_its_layer_path():
    block = nn.Sequential(nn.Conv2d(1, 1, 3, padding=1), nn.ReLU(), nn.Conv2d(1, 1, 3, padding=1))
    net = nn.Sequential(nn.Conv2d(1, 1, 3), Residual(*block), nn.AvgPool2d(2))
    table = receptive_field_of(net, 16)
    assert [row.name for row in table] == ["0", "1.layers.0", "1.layers.2", "2"]
    assert table.final.receptive_field == (8, 8) and table.final.stride == (2, 2)
    # autograd: an output unit in the middle depends on an 8x8 window of the input
    for m in net.modules():
        if isinstance(m, nn.Conv2d):
            nn.init.ones_(m.weight)
            nn.init.zeros_(m.bias)
    x = torch.ones(1, 1, 16, 16, requires_grad=True)
    (grad,) = torch.autograd.grad(net(x)[0, 0, 3, 3], x)
    rows, cols = np.nonzero(grad[0, 0].numpy())
    assert (rows.max() - rows.min() + 1, cols.max() - cols.min() + 1) == (8, 8)


@pytest.mark.parametrize(
    ("layer", "type_name"),
    [
        (nn.Linear(4, 4), "Linear"),
        (nn.Flatten(), "Flatten"),
        (nn.Upsample(scale_factor=2), "Upsample"),
    ],
)
def test_unsupported_layer_names_its_type(layer, type_name):
    net = nn.Sequential(nn.Conv2d(1, 1, 3), nn.ReLU(), layer)
    with pytest.raises(TypeError, match=rf"'2' of type {type_name}"):
        receptive_field_of(net)


def test_custom_module_is_not_guessed():
    class Residual(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.conv = nn.Conv2d(1, 1, 3, padding=1)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return x + self.conv(x)

    with pytest.raises(TypeError, match="Residual"):
        receptive_field_of(nn.Sequential(Residual()))


def test_sequential_subclass_with_its_own_forward_is_not_walked():
    class SkipConnection(nn.Sequential):
        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return x + super().forward(x)

    plain = receptive_field_of(nn.Sequential(nn.Sequential(nn.Conv2d(1, 1, 3, padding=1))))
    assert plain.final.receptive_field == (3, 3)
    with pytest.raises(TypeError, match="SkipConnection"):
        receptive_field_of(nn.Sequential(SkipConnection(nn.Conv2d(1, 1, 3, padding=1))))


def test_too_small_input_raises():
    with pytest.raises(ValueError, match="empty output"):
        receptive_field_of(vgg_16(), input_size=16)


def test_table_prints_as_markdown():
    table = receptive_field_of(
        nn.Sequential(nn.Conv2d(1, 1, 3, stride=2, padding=1), nn.Conv2d(1, 1, (3, 1))), 9
    )
    assert isinstance(table, ReceptiveFieldTable)
    assert all(isinstance(row, ReceptiveFieldRow) for row in table)
    lines = str(table).splitlines()
    assert lines[0].startswith("| # | name | layer")
    assert len(lines) == 2 + len(table)
    assert "Conv2d 3x3 s2 p1" in lines[2]
    cells = [cell.strip() for cell in lines[3].strip("|").split("|")]
    assert cells[3:] == ["3x5", "7x3", "2", "1"]  # output, field, stride, padding
    assert table.to_markdown() == str(table)


def test_empty_model_has_no_final_row():
    with pytest.raises(ValueError, match="no layer"):
        _ = receptive_field_of(nn.Sequential(nn.ReLU())).final
