"""Depthwise-separable and bottleneck convs: formulas and parameter counts."""

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from inpaint.layers import BottleneckConv2d, SeparableConv2d, count_params, create_conv


@pytest.mark.parametrize(("stride", "dilation"), [(1, 1), (2, 1), (1, 2)])
def test_separable_formula(stride, dilation):
    layer = create_conv("separable", 4, 6, 3, stride=stride, padding=1, dilation=dilation)
    dw, pw = layer.depthwise.weight, layer.pointwise.weight
    assert dw.shape == (4, 1, 3, 3) and pw.shape == (6, 4, 1, 1)
    x = torch.randn(2, 4, 9, 9)
    depthwise = F.conv2d(x, dw, None, stride, 1, dilation, groups=4)
    expected = F.conv2d(depthwise, pw, layer.pointwise.bias)
    torch.testing.assert_close(layer(x)[0], expected)


def test_separable_param_count_3_to_4():
    assert count_params(nn.Conv2d(3, 4, 3, bias=False)) == 108
    assert count_params(create_conv("standard", 3, 4, 3, bias=False)) == 108
    assert count_params(create_conv("separable", 3, 4, 3, bias=False)) == 39 == 27 + 12
    assert count_params(create_conv("separable", 3, 4, 3)) == 39 + 4  # bias on pointwise only


def test_separable_groups_apply_to_pointwise():
    layer = SeparableConv2d(4, 6, 3, groups=2, bias=False)
    assert layer.pointwise.weight.shape == (6, 2, 1, 1)
    assert count_params(layer) == 4 * 9 + 6 * 2


@pytest.mark.parametrize(("stride", "groups"), [(1, 1), (2, 1), (1, 2)])
def test_bottleneck_formula(stride, groups):
    layer = create_conv("bottleneck", 8, 16, 3, stride=stride, padding=1, groups=groups)
    assert layer.mid_channels == 4
    x = torch.randn(2, 8, 9, 9)
    reduced = F.conv2d(x, layer.reduce.weight)
    middle = F.conv2d(reduced, layer.conv.weight, None, stride, 1, 1, groups)
    expected = F.conv2d(middle, layer.expand.weight, layer.expand.bias)
    torch.testing.assert_close(layer(x)[0], expected)


def test_bottleneck_256_param_count():
    assert count_params(create_conv("standard", 256, 256, 3, bias=False)) == 589_824
    layer = create_conv("bottleneck", 256, 256, 3, bias=False)
    assert (layer.reduce.out_channels, layer.conv.out_channels) == (64, 64)
    assert count_params(layer) == 256 * 64 + 64 * 64 * 9 + 64 * 256 == 69_632


def test_bottleneck_reduction_and_groups_errors():
    assert BottleneckConv2d(4, 2, 3, reduction=8).mid_channels == 1
    with pytest.raises(ValueError, match="reduction must be a positive int, got 0"):
        BottleneckConv2d(4, 8, 3, reduction=0)
    with pytest.raises(
        ValueError, match=r"mid_channels \(2 = max\(1, out_channels // reduction\)\)"
    ):
        BottleneckConv2d(4, 8, 3, groups=3)
    assert "reduction=2" in repr(BottleneckConv2d(4, 8, 3, reduction=2))
