"""Registry API and the contract every registered conv variant must keep."""

import functools
import re

import pytest
import torch
from torch import nn

from inpaint.layers import (
    DilatedConv2d,
    MaskAgnosticConv,
    PartialConv2d,
    StandardConv2d,
    available_convs,
    conv_output_size,
    create_conv,
    resize_mask,
)

CONVS = available_convs()
DILATION = {"dilated": 2}  # default dilation when create_conv is not given one


def _prepare(name, layer):
    """Non-zero offsets away from integer positions, so deformable sampling is smooth."""
    if name == "deformable":
        with torch.no_grad():
            layer.offset_conv.weight.normal_(0, 0.01)
            layer.offset_conv.bias.uniform_(0.2, 0.3)
    return layer


def test_available_convs_is_sorted_list_of_all_variants():
    assert CONVS == [
        "bottleneck",
        "deformable",
        "dilated",
        "fourier",
        "gated",
        "partial",
        "separable",
        "spatially_separable",
        "standard",
    ]


def test_unknown_name_lists_known_names():
    with pytest.raises(ValueError, match="unknown conv 'nope'; known: bottleneck, deformable, "):
        create_conv("nope", 4, 6, 3)


def test_non_callable_name_is_rejected():
    with pytest.raises(TypeError, match="registered name or a callable"):
        create_conv(3, 4, 6, 3)


def test_class_passes_through_registry():
    layer = create_conv(PartialConv2d, 4, 6, 3, padding=1, multi_channel=True)
    assert type(layer) is PartialConv2d and layer.multi_channel


def test_factory_receives_exactly_the_given_arguments():
    calls = []

    def factory(*args, **kwargs):
        calls.append((args, kwargs))
        return nn.Identity()

    create_conv(factory, 4, 6, 3, stride=2, padding=1, flag=True)
    assert calls == [
        ((4, 6, 3), {"stride": 2, "padding": 1, "groups": 1, "bias": True, "flag": True})
    ]


def test_dilation_is_forwarded_only_when_given():
    assert create_conv("dilated", 4, 6, 3).dilation == (2, 2)
    assert create_conv("dilated", 4, 6, 3, dilation=1).dilation == (1, 1)
    assert create_conv("dilated", 4, 6, 3, dilation=3).dilation == (3, 3)
    assert create_conv("standard", 4, 6, 3).dilation == (1, 1)
    assert create_conv(functools.partial(DilatedConv2d, dilation=4), 4, 6, 3).dilation == (4, 4)
    assert type(create_conv("standard", 4, 6, 3)) is StandardConv2d


@pytest.mark.parametrize("stride", [1, 2])
@pytest.mark.parametrize("name", CONVS)
def test_output_and_mask_shapes(name, stride):
    layer = create_conv(name, 4, 6, 3, stride=stride, padding=1)
    x = torch.randn(2, 4, 9, 8)
    mask = (torch.rand(2, 1, 9, 8) > 0.3).float()
    d = DILATION.get(name, 1)
    size = (conv_output_size(9, 3, stride, 1, d), conv_output_size(8, 3, stride, 1, d))
    y, mask_out = layer(x, mask)
    assert y.shape == (2, 6, *size)
    assert mask_out.shape == (2, 1, *size)
    assert set(mask_out.unique().tolist()) <= {0.0, 1.0}
    y_none, mask_none = layer(x)
    assert y_none.shape == y.shape
    assert mask_none is None or mask_none.shape == (2, 1, *size)


@pytest.mark.parametrize("name", [n for n in CONVS if n != "partial"])
def test_mask_ignoring_variants_pass_mask_on_resized(name):
    layer = create_conv(name, 4, 6, 3, stride=2, padding=1)
    x = torch.randn(2, 4, 9, 9)
    mask = (torch.rand(2, 1, 9, 9) > 0.5).float()
    y, mask_out = layer(x, mask)
    torch.testing.assert_close(mask_out, resize_mask(mask, y.shape[-2:]), rtol=0, atol=0)
    y_masked_free, none = layer(x)
    assert none is None
    torch.testing.assert_close(y_masked_free, y, rtol=0, atol=0)  # the mask does not change y
    assert layer(x, mask.expand(2, 4, 9, 9))[1].shape == (2, 4, *y.shape[-2:])


class NegatedConv2d(MaskAgnosticConv):
    """A variant written on the base class: its convs and its computation, nothing else."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        geometry = (self.kernel_size, self.stride, self.padding, self.dilation, self.groups)
        self.conv = nn.Conv2d(self.in_channels, self.out_channels, *geometry, self.has_bias)

    def compute(self, x: torch.Tensor) -> torch.Tensor:
        return -self.conv(x)


def test_a_variant_on_the_base_class_checks_arguments_and_inputs_and_passes_the_mask():
    layer = create_conv(NegatedConv2d, 4, 6, 3, stride=2, padding=1, bias=False)
    x, mask = torch.randn(2, 4, 9, 9), (torch.rand(2, 1, 9, 9) > 0.5).float()
    y, mask_out = layer(x, mask)
    torch.testing.assert_close(y, -layer.conv(x), rtol=0, atol=0)
    assert torch.equal(mask_out, resize_mask(mask, (5, 5)))
    assert (
        layer.extra_repr() == "4, 6, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), bias=False"
    )
    with pytest.raises(ValueError, match="divisible by groups"):
        create_conv(NegatedConv2d, 4, 6, 3, groups=4)
    with pytest.raises(ValueError, match="does not fit x"):
        layer(x, mask[:1])


@pytest.mark.parametrize("name", CONVS)
def test_every_parameter_gets_a_finite_nonzero_gradient(name):
    torch.manual_seed(0)
    layer = create_conv(name, 4, 6, 3, stride=2, padding=1)
    x = torch.randn(2, 4, 9, 9, requires_grad=True)
    mask = (torch.rand(2, 1, 9, 9) > 0.3).float()
    y, _ = layer(x, mask)
    (y * torch.randn_like(y)).sum().backward()
    for pname, p in layer.named_parameters():
        assert p.grad is not None, pname
        assert torch.isfinite(p.grad).all(), pname
        assert p.grad.abs().sum() > 0, pname
    assert torch.isfinite(x.grad).all() and x.grad.abs().sum() > 0


@pytest.mark.parametrize("stride", [1, 2])
@pytest.mark.parametrize("name", CONVS)
def test_gradcheck_float64(name, stride):
    torch.manual_seed(0)
    layer = _prepare(name, create_conv(name, 2, 3, 3, stride=stride, padding=1)).double()
    x = torch.randn(1, 2, 5, 5, dtype=torch.float64, requires_grad=True)
    mask = (torch.rand(1, 1, 5, 5) > 0.3).double()
    names = [n for n, _ in layer.named_parameters()]
    params = [p.detach().clone().requires_grad_() for _, p in layer.named_parameters()]

    def fn(x, *ps):
        return torch.func.functional_call(layer, dict(zip(names, ps, strict=True)), (x, mask))[0]

    assert torch.autograd.gradcheck(fn, (x, *params))


@pytest.mark.parametrize("name", CONVS)
def test_bad_constructor_arguments(name):
    with pytest.raises(ValueError, match="divisible by groups"):
        create_conv(name, 4, 6, 3, groups=4)
    with pytest.raises(ValueError, match=r"kernel_size must be >= 1, got 0"):
        create_conv(name, 4, 6, 0)
    with pytest.raises(ValueError, match=r"stride must be >= 1, got 0"):
        create_conv(name, 4, 6, 3, stride=0)
    with pytest.raises(ValueError, match=r"padding must be >= 0, got -1"):
        create_conv(name, 4, 6, 3, padding=-1)
    with pytest.raises(ValueError, match=r"in_channels must be a positive int, got 0"):
        create_conv(name, 0, 6, 3)
    with pytest.raises(ValueError, match=r"kernel_size must be an int or a pair of ints"):
        create_conv(name, 4, 6, "same")


@pytest.mark.parametrize("name", CONVS)
def test_bad_inputs_name_both_shapes(name):
    layer = create_conv(name, 4, 6, 3, padding=1)
    x = torch.randn(2, 4, 9, 9)
    for bad in (torch.ones(2, 1, 8, 9), torch.ones(1, 1, 9, 9), torch.ones(2, 3, 9, 9)):
        msg = f"mask of shape {tuple(bad.shape)} does not fit x of shape (2, 4, 9, 9)"
        with pytest.raises(ValueError, match=re.escape(msg)):
            layer(x, bad)
    with pytest.raises(ValueError, match="floating-point"):
        layer(x, torch.ones(2, 1, 9, 9, dtype=torch.bool))
    with pytest.raises(ValueError, match=r"expected x of shape \[N, 4, H, W\], got \(2, 3, 9, 9\)"):
        layer(torch.randn(2, 3, 9, 9))


@pytest.mark.parametrize("input_dtype", [torch.float32, torch.bfloat16])
@pytest.mark.parametrize("name", CONVS)
def test_runs_under_cpu_bfloat16_autocast(name, input_dtype):
    torch.manual_seed(0)
    layer = _prepare(name, create_conv(name, 4, 6, 3, stride=2, padding=1))
    x = torch.randn(2, 4, 9, 9)
    mask = (torch.rand(2, 1, 9, 9) > 0.3).float()
    y_float, mask_float = layer(x, mask)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        y, mask_out = layer(x.to(input_dtype).requires_grad_(), mask)
    y.float().sum().backward()
    torch.testing.assert_close(y.float(), y_float, rtol=0, atol=0.02 * y_float.abs().max().item())
    torch.testing.assert_close(mask_out.float(), mask_float, rtol=0, atol=0)
    assert all(torch.isfinite(p.grad).all() for p in layer.parameters())
