"""Standard and dilated convs: numbers from the nn.Conv2d docs and receptive-field checks."""

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from inpaint.layers import DilatedConv2d, conv_output_size, create_conv, receptive_field


def test_kernel_2_padding_2_on_4x4_gives_7x7():
    x = torch.randn(1, 1, 4, 4)
    assert nn.Conv2d(1, 1, 2, padding=2)(x).shape == (1, 1, 7, 7)
    assert create_conv("standard", 1, 1, 2, padding=2)(x)[0].shape == (1, 1, 7, 7)
    assert conv_output_size(4, 2, padding=2) == 7


def test_groups_split_channels():
    layer = create_conv("standard", 10, 20, 3, groups=2, bias=False)
    assert layer.weight.shape == (20, 5, 3, 3)
    with torch.no_grad():
        layer.weight[:10] = 0
        layer.weight[10:] = 1
    y, _ = layer(torch.ones(1, 10, 7, 7))
    assert y.shape == (1, 20, 5, 5)
    assert (y[:, :10] == 0).all()
    assert (y[:, 10:] == 45).all()  # 5 channels of the second group x 3 x 3 taps


@pytest.mark.parametrize(("name", "dilation"), [("standard", 1), ("dilated", 2)])
def test_forward_equals_functional_conv(name, dilation):
    layer = create_conv(name, 3, 5, 3, stride=2, padding=2)
    x = torch.randn(2, 3, 11, 10)
    expected = F.conv2d(x, layer.weight, layer.bias, 2, 2, dilation)
    torch.testing.assert_close(layer(x)[0], expected)


@pytest.mark.parametrize(("dilation", "field"), [(1, 3), (2, 5), (3, 7)])
def test_dilated_receptive_field_measured_by_gradient(dilation, field):
    layer = DilatedConv2d(1, 1, 3, dilation=dilation, bias=False)
    x = torch.randn(1, 1, 15, 15, requires_grad=True)
    y, _ = layer(x)
    y[0, 0, 0, 0].backward()
    rows = x.grad[0, 0].abs().sum(1).nonzero().flatten()
    assert rows.tolist() == [0, dilation, 2 * dilation]  # taps every `dilation` pixels
    assert rows[-1] - rows[0] + 1 == field == dilation * (3 - 1) + 1
    assert receptive_field([(3, 1, dilation)]) == field


def test_dilated_same_padding_keeps_size():
    layer = DilatedConv2d(2, 2, 3, padding=2)
    assert layer(torch.randn(1, 2, 8, 8))[0].shape == (1, 2, 8, 8)


@pytest.mark.parametrize(
    ("stride", "padding", "dilation", "groups"),
    [
        (2, 2, 2, 1),  # the generator's downsampling conv: computed on every 2nd row/column
        (2, 2, 2, 2),
        ((2, 3), (2, 3), (4, 3), 1),
        (3, 3, 3, 1),
        (2, 1, 2, 1),  # padding not a multiple of the stride: the plain strided conv
        (2, 2, 3, 1),  # dilation not a multiple either
    ],
)
@pytest.mark.parametrize("size", [(12, 12), (13, 11)])
def test_strided_dilated_conv_equals_functional_conv_with_gradients(
    stride, padding, dilation, groups, size
):
    torch.manual_seed(0)
    layer = DilatedConv2d(4, 6, 3, stride, padding, dilation, groups).double()
    x = torch.randn(2, 4, *size, dtype=torch.float64, requires_grad=True)
    y, _ = layer(x)
    expected = F.conv2d(x, layer.weight, layer.bias, stride, padding, dilation, groups)
    torch.testing.assert_close(y, expected)
    grad_out = torch.randn_like(y)
    actual_grads = torch.autograd.grad(y, (x, layer.weight, layer.bias), grad_out)
    expected_grads = torch.autograd.grad(expected, (x, layer.weight, layer.bias), grad_out)
    for actual, wanted in zip(actual_grads, expected_grads, strict=True):
        torch.testing.assert_close(actual, wanted)


def test_strided_dilated_conv_keeps_a_non_zero_padding_mode():
    torch.manual_seed(0)
    layer = DilatedConv2d(2, 3, 3, stride=2, padding=2, dilation=2)
    layer.padding_mode = "reflect"
    x = torch.randn(1, 2, 9, 9)
    expected = F.conv2d(F.pad(x, (2, 2, 2, 2), mode="reflect"), layer.weight, layer.bias, 2, 0, 2)
    torch.testing.assert_close(layer(x)[0], expected)
