"""Networks of torch's own layers travel from the re-check sandbox as plain data and come back
as the same network, built from the grader's own classes; anything else stays in the sandbox."""

from __future__ import annotations

import io

import pytest
import torch
from torch import nn

from autograder.sandbox import module_data, wire
from in5400lib.models import Residual


def through_the_wire(value):
    """Encode as the sandbox does, decode as the grader does (plain data only)."""
    kept = []
    encoder = wire.Encoder(keep_opaque=lambda v: kept.append(v) or len(kept))
    header = {"value": encoder.encode(value)}
    stream = io.BytesIO()
    wire.send(stream, header, encoder.blobs)
    stream.seek(0)
    received, blobs = wire.receive(stream)
    return wire.decode(received["value"], blobs)


def small_cnn() -> nn.Module:
    torch.manual_seed(0)
    block = [nn.Conv2d(8, 8, 3, padding=1, bias=False), nn.BatchNorm2d(8), nn.ReLU(inplace=True)]
    return nn.Sequential(
        nn.Conv2d(3, 8, (3, 2), stride=(1, 2), padding=1),
        nn.MaxPool2d(2, ceil_mode=True),
        Residual(*block),
        nn.Dropout(0.3),
        nn.Conv2d(8, 10, 1),
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
    )


def test_a_cnn_comes_back_as_the_same_network():
    net = small_cnn()
    net(torch.randn(4, 3, 9, 8))  # BatchNorm's running statistics move away from the defaults
    net[0].bias.requires_grad_(False)
    net.eval()
    copy = through_the_wire(net)
    assert copy is not net and [type(m) for m in copy.modules()] == [type(m) for m in net.modules()]
    assert all(a.training == b.training for a, b in zip(copy.modules(), net.modules(), strict=True))
    flags = [p.requires_grad for p in net.parameters()]
    assert [p.requires_grad for p in copy.parameters()] == flags
    assert copy[0].stride == (1, 2) and copy[1].ceil_mode and copy[2].layers[2].inplace
    assert copy[3].p == 0.3 and copy[2].layers[0].bias is None
    x = torch.randn(2, 3, 11, 7)
    with torch.no_grad():
        torch.testing.assert_close(copy(x), net(x), rtol=0, atol=0)
    for a, b in zip(copy.state_dict().values(), net.state_dict().values(), strict=True):
        assert torch.equal(a, b)


def test_shared_layers_dtype_and_gradients_are_kept():
    shared = nn.Linear(3, 3).double()
    net = nn.Sequential(shared, nn.ReLU(), shared)
    net(torch.randn(2, 3, dtype=torch.float64)).sum().backward()
    copy = through_the_wire(net)
    assert copy[0] is copy[2] and copy[0].weight.dtype == torch.float64
    assert len(list(copy.parameters())) == 2
    torch.testing.assert_close(copy[0].weight.grad, shared.weight.grad)


def test_the_rebuilt_network_trains_on_the_grader_side():
    copy = through_the_wire(small_cnn())
    optimizer = torch.optim.Adam(copy.parameters(), lr=1e-2)
    x, y = torch.randn(8, 3, 8, 8), torch.arange(8) % 10
    losses = []
    for _ in range(5):
        loss = nn.functional.cross_entropy(copy(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert losses[-1] < losses[0]


class Custom(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 1, 1)

    def forward(self, x):
        return self.conv(x) * 0


class LyingConv(nn.Conv2d):
    def forward(self, x):
        return torch.zeros(1)


def with_hook():
    layer = nn.Linear(2, 2)
    layer.register_forward_hook(lambda module, inputs, output: output * 0)
    return nn.Sequential(layer)


def with_patched_forward():
    layer = nn.ReLU()
    layer.forward = lambda x: x * 0
    return layer


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (Custom, "Custom is not built from torch's own layers"),
        (lambda: nn.Sequential(LyingConv(1, 1, 1)), "LyingConv defines its own forward"),
        (with_hook, "hook"),
        (with_patched_forward, "function"),
        (lambda: nn.Linear(2, 2).to(torch.bfloat16), "bfloat16"),
        (
            lambda: torch.nn.utils.parametrizations.orthogonal(nn.Linear(3, 3)),
            "ParametrizedLinear defines its own",
        ),
    ],
)
def test_anything_else_stays_in_the_sandbox_with_the_reason(make, reason):
    value = through_the_wire(make())
    assert isinstance(value, wire.Opaque) and reason in value.why, value


class SeparableConv2d(nn.Sequential):
    """A notebook class that only adds torch's layers: it behaves as the Sequential it is."""

    def __init__(self, c_in, c_out, kernel_size, stride=1, padding=0, bias=False):
        super().__init__()
        self.depthwise = nn.Conv2d(
            c_in, c_in, kernel_size, stride, padding, groups=c_in, bias=False
        )
        self.pointwise = nn.Conv2d(c_in, c_out, 1, bias=bias)


def test_a_class_that_only_adds_torch_layers_comes_back_as_its_torch_base():
    layer = SeparableConv2d(3, 5, (3, 2), stride=2, padding=1, bias=True).double()
    copy = through_the_wire(layer)
    assert type(copy) is nn.Sequential and copy.depthwise.groups == 3
    x = torch.randn(2, 3, 8, 7, dtype=torch.float64)
    with torch.no_grad():
        torch.testing.assert_close(copy(x), layer(x), rtol=0, atol=0)


def test_inconsistent_descriptions_are_refused():
    description = module_data.describe(nn.Sequential(nn.Linear(3, 2)))
    description["modules"][1]["arguments"]["in_features"] = 10**9  # shapes no longer agree
    with pytest.raises(ValueError, match="wrong shape"):
        module_data.rebuild(description)
    looped = module_data.describe(nn.Sequential(nn.Sequential()))
    looped["modules"][1]["children"] = [["0", 0]]
    with pytest.raises(ValueError, match="not a tree"):
        module_data.rebuild(looped)
    unknown = module_data.describe(nn.ReLU())
    unknown["modules"][0]["type"] = "os.system"
    with pytest.raises(ValueError, match="refused layer type"):
        module_data.rebuild(unknown)


def test_a_probes_record_travels_back():
    class Probe(nn.Module):
        def __init__(self):
            super().__init__()
            self.modes = []

        def forward(self, x):
            self.modes.append(self.training)
            return x

    sandbox_side, grader_side = nn.Sequential(Probe(), nn.Linear(2, 2)), None
    sandbox_side(torch.zeros(1, 2))
    sandbox_side.eval()
    sandbox_side(torch.zeros(1, 2))
    grader_side = nn.Sequential(Probe(), nn.Linear(2, 2))
    module_data.set_attributes(
        grader_side, through_the_wire(module_data.attributes_of(sandbox_side))
    )
    assert grader_side[0].modes == [True, False] and not grader_side.training
