"""Spatially-separable conv: the composed kernel, rank, costs, output grid and arguments."""

import re

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from inpaint.layers import (
    SpatiallySeparableConv2d,
    StandardConv2d,
    available_convs,
    count_flops,
    count_params,
    create_conv,
    resize_mask,
)


def composed_kernel(layer):
    """W[o, i, a, b] = sum_m h[o, m, b] * v[m, i, a] within each group: [C_out, C_in/g, kh, kw]."""
    g = layer.horizontal.groups
    v = layer.vertical.weight[..., 0]  # [mid, C_in/g, kh]
    h = layer.horizontal.weight[:, :, 0]  # [C_out, mid/g, kw]
    v = v.reshape(g, -1, *v.shape[1:])
    h = h.reshape(g, -1, *h.shape[1:])
    return torch.einsum("gomb,gmia->goiab", h, v).flatten(0, 1)


@pytest.mark.parametrize(
    ("c_in", "c_out", "mid", "k", "stride", "padding", "dilation", "groups", "size"),
    [
        (3, 5, 4, 3, 1, 1, 1, 1, (7, 7)),
        (4, 6, None, (3, 5), 2, (1, 2), 1, 2, (9, 8)),
        (2, 3, 3, 3, (2, 1), 0, 2, 1, (10, 11)),
        (4, 4, 4, (5, 2), (1, 3), 2, (1, 2), 4, (8, 9)),
    ],
)
def test_equals_full_conv_with_composed_kernel(
    c_in, c_out, mid, k, stride, padding, dilation, groups, size
):
    torch.manual_seed(0)
    layer = SpatiallySeparableConv2d(
        c_in, c_out, k, stride, padding, dilation, groups, mid_channels=mid
    ).double()
    x = torch.randn(2, c_in, *size, dtype=torch.float64)
    kernel = composed_kernel(layer)
    expected = F.conv2d(x, kernel, layer.horizontal.bias, stride, padding, dilation, groups)
    torch.testing.assert_close(layer(x)[0], expected)


def test_reproduces_a_rank_one_kernel_exactly():
    u, w = torch.randn(5, dtype=torch.float64), torch.randn(3, dtype=torch.float64)
    layer = SpatiallySeparableConv2d(1, 1, (5, 3), padding=(2, 1), bias=False).double()
    with torch.no_grad():
        layer.vertical.weight.copy_(u.view(1, 1, 5, 1))
        layer.horizontal.weight.copy_(w.view(1, 1, 1, 3))
    x = torch.randn(2, 1, 8, 7, dtype=torch.float64)
    expected = F.conv2d(x, torch.outer(u, w).view(1, 1, 5, 3), padding=(2, 1))
    torch.testing.assert_close(layer(x)[0], expected)


def test_depthwise_gives_each_channel_a_rank_one_kernel():
    layer = SpatiallySeparableConv2d(4, 4, 3, groups=4).double()
    ranks = torch.linalg.matrix_rank(composed_kernel(layer)[:, 0])
    assert ranks.tolist() == [1, 1, 1, 1]


@pytest.mark.parametrize("mid", [1, 2, 3])
def test_unfolded_kernel_rank_is_at_most_mid_channels(mid):
    torch.manual_seed(0)
    layer = SpatiallySeparableConv2d(4, 5, 3, mid_channels=mid).double()
    kernel = composed_kernel(layer)  # [C_out, C_in, kh, kw] -> [(C_out, kw), (C_in, kh)]
    unfolded = kernel.permute(0, 3, 1, 2).reshape(5 * 3, 4 * 3)
    assert torch.linalg.matrix_rank(unfolded) == mid
    full = StandardConv2d(4, 5, 3).double().weight.permute(0, 3, 1, 2).reshape(15, 12)
    assert torch.linalg.matrix_rank(full) == 12


@pytest.mark.parametrize(
    ("c_in", "c_out", "mid", "k", "groups"),
    [(3, 5, 4, (3, 5), 1), (4, 6, None, 3, 2), (6, 4, 8, (5, 2), 2)],
)
def test_param_count(c_in, c_out, mid, k, groups):
    layer = SpatiallySeparableConv2d(c_in, c_out, k, groups=groups, mid_channels=mid)
    kh, kw = (k, k) if isinstance(k, int) else k
    m = min(c_in, c_out) if mid is None else mid
    weights = (c_in * m * kh + m * c_out * kw) // groups
    assert count_params(layer) == weights + c_out  # bias on the horizontal conv only
    no_bias = SpatiallySeparableConv2d(c_in, c_out, k, groups=groups, mid_channels=mid, bias=False)
    assert count_params(no_bias) == weights


def test_3x3_has_six_weights_per_channel_pair_instead_of_nine():
    layer = SpatiallySeparableConv2d(8, 8, 3, bias=False)
    assert layer.mid_channels == 8
    assert count_params(layer) == 8 * 8 * 6 == 384
    assert count_params(StandardConv2d(8, 8, 3, bias=False)) == 8 * 8 * 9 == 576
    assert count_params(SpatiallySeparableConv2d(8, 8, 7, bias=False)) == 8 * 8 * 14


@pytest.mark.parametrize(
    ("c_in", "c_out", "k", "stride", "padding", "size"),
    [(4, 4, 3, 1, 1, (8, 8)), (4, 8, 3, 2, 1, (9, 8)), (6, 4, (5, 3), 2, (2, 1), (10, 7))],
)
def test_flops_formula_and_saving(c_in, c_out, k, stride, padding, size):
    layer = SpatiallySeparableConv2d(c_in, c_out, k, stride, padding)
    full = StandardConv2d(c_in, c_out, k, stride, padding)
    n, (kh, kw), mid = 2, full.kernel_size, layer.mid_channels
    h_out, w_out = full(torch.zeros(1, c_in, *size))[0].shape[-2:]
    # the vertical conv writes an H_out x W grid, the horizontal one H_out x W_out
    vertical = 2 * n * mid * h_out * size[1] * c_in * kh
    horizontal = 2 * n * c_out * h_out * w_out * mid * kw
    flops = count_flops(layer, (n, c_in, *size))
    assert flops == vertical + horizontal
    assert (
        flops
        < count_flops(full, (n, c_in, *size))
        == 2 * n * c_out * h_out * w_out * c_in * kh * kw
    )


def test_stride_2_without_channel_change_saves_no_flops():
    # vertical: 2 * 4*4*3 * 4x8, horizontal: 2 * 4*4*3 * 4x4; full: 2 * 4*4*9 * 4x4
    layer = SpatiallySeparableConv2d(4, 4, 3, stride=2, padding=1)
    full = StandardConv2d(4, 4, 3, stride=2, padding=1)
    assert count_flops(layer, (1, 4, 8, 8)) == count_flops(full, (1, 4, 8, 8)) == 4608


@pytest.mark.parametrize(
    ("k", "stride", "padding", "dilation", "size"),
    [
        (3, 1, 1, 1, (9, 8)),
        (3, 2, 1, 1, (9, 8)),
        (3, 2, 1, 1, (8, 9)),
        (2, 2, 0, 1, (7, 6)),
        (4, 2, 1, 1, (9, 10)),
        (3, 1, 2, 2, (7, 7)),
        (3, 2, 2, 2, (11, 10)),
        ((3, 5), (2, 1), (1, 2), (2, 1), (9, 12)),
        ((1, 4), 3, 0, (1, 2), (10, 11)),
    ],
)
def test_output_size_matches_nn_conv2d(k, stride, padding, dilation, size):
    layer = SpatiallySeparableConv2d(3, 5, k, stride, padding, dilation)
    x = torch.randn(1, 3, *size)
    y, _ = layer(x)
    assert y.shape == nn.Conv2d(3, 5, k, stride, padding, dilation)(x).shape


def test_mask_passes_through_resized():
    layer = create_conv("spatially_separable", 4, 6, (3, 5), stride=2, padding=(1, 2))
    x = torch.randn(2, 4, 9, 8)
    mask = (torch.rand(2, 1, 9, 8) > 0.5).float()
    y, mask_out = layer(x, mask)
    assert y.shape == (2, 6, 5, 4)
    torch.testing.assert_close(mask_out, resize_mask(mask, (5, 4)), rtol=0, atol=0)
    torch.testing.assert_close(layer(x)[0], y, rtol=0, atol=0)
    assert layer(x)[1] is None
    assert layer(x, mask.expand(2, 4, 9, 8))[1].shape == (2, 4, 5, 4)
    same = create_conv("spatially_separable", 4, 6, 3, padding=1)
    assert same(x, mask)[1] is mask


def test_bad_mid_channels_are_named():
    with pytest.raises(
        ValueError, match=re.escape("mid_channels (3) must be divisible by groups (2)")
    ):
        SpatiallySeparableConv2d(4, 6, 3, groups=2, mid_channels=3)
    for bad in (0, -2, True, 2.0):
        with pytest.raises(ValueError, match=f"mid_channels must be a positive int, got {bad!r}"):
            SpatiallySeparableConv2d(4, 6, 3, mid_channels=bad)
    with pytest.raises(
        ValueError, match=re.escape("out_channels (6) must be divisible by groups (4)")
    ):
        SpatiallySeparableConv2d(4, 6, 3, groups=4)


def test_registry_builds_it():
    assert "spatially_separable" in available_convs()
    layer = create_conv(
        "spatially_separable",
        4,
        6,
        (3, 5),
        stride=2,
        padding=(1, 2),
        dilation=(2, 1),
        groups=2,
        mid_channels=8,
    )
    assert type(layer) is SpatiallySeparableConv2d
    v, h = layer.vertical, layer.horizontal
    assert (v.in_channels, v.out_channels, v.groups, v.bias) == (4, 8, 2, None)
    assert (v.kernel_size, v.stride, v.padding, v.dilation) == ((3, 1), (2, 1), (1, 0), (2, 1))
    assert (h.in_channels, h.out_channels, h.groups) == (8, 6, 2)
    assert (h.kernel_size, h.stride, h.padding, h.dilation) == ((1, 5), (1, 2), (0, 2), (1, 1))
    assert h.bias is not None
    assert layer.extra_repr() == (
        "4, 6, kernel_size=(3, 5), stride=(2, 2), padding=(1, 2), dilation=(2, 1), groups=2, "
        "mid_channels=8"
    )
    default = create_conv("spatially_separable", 6, 4, 3, bias=False)
    assert default.extra_repr() == "6, 4, kernel_size=(3, 3), stride=(1, 1), bias=False"


def test_reset_parameters_redraws_both_convs():
    torch.manual_seed(0)
    layer = SpatiallySeparableConv2d(2, 3, 3)
    before = [p.detach().clone() for p in layer.parameters()]
    layer.reset_parameters()
    assert all(not torch.equal(a, b) for a, b in zip(before, layer.parameters(), strict=True))


@pytest.mark.parametrize(("stride", "groups"), [(1, 1), (2, 2)])
def test_gradcheck_float64(stride, groups):
    torch.manual_seed(0)
    layer = SpatiallySeparableConv2d(2, 4, 3, stride, 1, groups=groups).double()
    x = torch.randn(1, 2, 5, 4, dtype=torch.float64, requires_grad=True)
    names = [n for n, _ in layer.named_parameters()]
    params = [p.detach().clone().requires_grad_() for p in layer.parameters()]

    def fn(x, *ps):
        return torch.func.functional_call(layer, dict(zip(names, ps, strict=True)), (x,))[0]

    assert torch.autograd.gradcheck(fn, (x, *params))
