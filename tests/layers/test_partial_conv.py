"""Partial convolution (Liu et al. 2018): formula, hand-computed numbers, mask update."""

import pytest
import torch
import torch.nn.functional as F

from inpaint.layers import PartialConv2d


def _expected(layer, x, mask):
    """The partial-conv formula written with plain F.conv2d calls."""
    args = (layer.stride, layer.padding, layer.dilation)
    raw = F.conv2d(x * mask, layer.weight, None, *args, layer.groups)
    ones = torch.ones(1, mask.shape[1], *layer.kernel_size)
    window_sum = F.conv2d(mask, ones, None, *args)
    valid = window_sum > 0
    y = raw * (ones.numel() / window_sum) + layer.bias.view(1, -1, 1, 1)
    return torch.where(valid, y, torch.zeros(())), valid.float()


@pytest.mark.parametrize(("stride", "groups"), [(1, 1), (2, 1), (1, 2)])
def test_formula(stride, groups):
    torch.manual_seed(0)
    layer = PartialConv2d(4, 6, 3, stride=stride, padding=1, groups=groups)
    x = torch.randn(2, 4, 9, 9)
    mask = (torch.rand(2, 1, 9, 9) > 0.6).float()
    y, mask_out = layer(x, mask)
    expected_y, expected_mask = _expected(layer, x, mask)
    assert (expected_mask == 0).any() and (expected_mask == 1).any()
    torch.testing.assert_close(y, expected_y)
    torch.testing.assert_close(mask_out, expected_mask, rtol=0, atol=0)


def test_all_ones_mask_equals_standard_conv_without_padding():
    layer = PartialConv2d(3, 5, 3)
    x = torch.randn(2, 3, 8, 8)
    y, mask_out = layer(x, torch.ones(2, 1, 8, 8))
    torch.testing.assert_close(y, F.conv2d(x, layer.weight, layer.bias))
    assert (mask_out == 1).all()


def test_padding_renormalises_the_border_and_none_means_all_ones():
    layer = PartialConv2d(3, 5, 3, padding=1)
    x = torch.randn(2, 3, 8, 8)
    y, mask_out = layer(x, torch.ones(2, 1, 8, 8))
    y_none, mask_none = layer(x)
    torch.testing.assert_close(y_none, y, rtol=0, atol=0)
    torch.testing.assert_close(mask_none, mask_out, rtol=0, atol=0)
    assert mask_none.shape == (2, 1, 8, 8) and (mask_none == 1).all()
    standard = F.conv2d(x, layer.weight, layer.bias, padding=1)
    torch.testing.assert_close(y[..., 1:-1, 1:-1], standard[..., 1:-1, 1:-1])
    bias = layer.bias.view(1, -1)
    # corner windows see 4 of 9 pixels, edge windows 6 of 9
    torch.testing.assert_close(y[..., 0, 0], (standard[..., 0, 0] - bias) * 9 / 4 + bias)
    torch.testing.assert_close(y[..., 0, 3], (standard[..., 0, 3] - bias) * 9 / 6 + bias)


def _ones_layer(padding, bias):
    layer = PartialConv2d(1, 1, 3, padding=padding)
    with torch.no_grad():
        layer.weight.fill_(1)
        layer.bias.fill_(bias)
    return layer


def test_hand_computed_renormalisation_of_one_window():
    x = torch.arange(1.0, 10.0).view(1, 1, 3, 3)  # sum 45
    mask = 1 - torch.eye(3).view(1, 1, 3, 3)  # holes at 1, 5, 9: known sum 30 over 6 pixels
    y, mask_out = _ones_layer(padding=0, bias=0.5)(x, mask)
    assert y.item() == pytest.approx(30 * 9 / 6 + 0.5) == 45.5
    assert mask_out.item() == 1


def test_hand_computed_3x3_with_a_central_hole_and_padding():
    x = torch.arange(1.0, 10.0).view(1, 1, 3, 3)
    mask = torch.ones(1, 1, 3, 3)
    mask[..., 1, 1] = 0
    y, mask_out = _ones_layer(padding=1, bias=0.0)(x, mask)
    # 9 x (mean of the known pixels in each window), e.g. corner (0, 0): (1 + 2 + 4) * 9 / 3
    expected = torch.tensor([[21.0, 28.8, 33.0], [39.6, 45.0, 50.4], [57.0, 61.2, 69.0]])
    torch.testing.assert_close(y[0, 0], expected)
    assert (mask_out == 1).all()


def test_padding_renormalisation_of_ones_gives_constant_output():
    y, _ = _ones_layer(padding=1, bias=0.0)(torch.ones(1, 1, 3, 3))
    torch.testing.assert_close(y[0, 0], torch.full((3, 3), 9.0))
    standard = F.conv2d(torch.ones(1, 1, 3, 3), torch.ones(1, 1, 3, 3), padding=1)
    torch.testing.assert_close(standard[0, 0], torch.tensor([[4.0, 6, 4], [6, 9, 6], [4, 6, 4]]))


def test_window_seeing_only_holes_gives_zero_output_and_zero_mask():
    layer = PartialConv2d(2, 4, 3, padding=1)
    mask = torch.ones(1, 1, 7, 7)
    mask[..., 2:5, 2:5] = 0
    y, mask_out = layer(torch.randn(1, 2, 7, 7), mask)
    assert (y[..., 3, 3] == 0).all() and mask_out[0, 0, 3, 3] == 0
    assert (mask_out[0, 0] == 0).sum() == 1  # every other window sees a known pixel
    assert (y[..., 3, 2] != 0).all()


def test_multi_channel_formula_and_mask_out():
    torch.manual_seed(0)
    layer = PartialConv2d(3, 5, 3, padding=1, multi_channel=True)
    x = torch.randn(2, 3, 8, 8)
    mask = (torch.rand(2, 3, 8, 8) > 0.7).float()
    y, mask_out = layer(x, mask)
    expected_y, expected_mask = _expected(layer, x, mask)  # window sums over all 3 channels
    torch.testing.assert_close(y, expected_y)
    assert mask_out.shape == (2, 5, 8, 8)
    torch.testing.assert_close(mask_out, expected_mask.expand(2, 5, 8, 8), rtol=0, atol=0)


def test_multi_channel_with_identical_channels_equals_single_channel():
    single = PartialConv2d(3, 5, 3, padding=1)
    multi = PartialConv2d(3, 5, 3, padding=1, multi_channel=True)
    multi.load_state_dict(single.state_dict())
    x = torch.randn(2, 3, 8, 8)
    mask = (torch.rand(2, 1, 8, 8) > 0.5).float()
    y_single, mask_single = single(x, mask)
    y_multi, mask_multi = multi(x, mask.expand(2, 3, 8, 8))
    torch.testing.assert_close(y_multi, y_single)
    torch.testing.assert_close(mask_multi, mask_single.expand(2, 5, 8, 8), rtol=0, atol=0)


def test_mask_channels_must_match_mode():
    x = torch.randn(1, 3, 6, 6)
    with pytest.raises(ValueError, match=r"expected \[1, 1, 6, 6\]"):
        PartialConv2d(3, 4, 3)(x, torch.ones(1, 3, 6, 6))
    with pytest.raises(ValueError, match=r"expected \[1, 3, 6, 6\]"):
        PartialConv2d(3, 4, 3, multi_channel=True)(x, torch.ones(1, 1, 6, 6))


def test_no_stale_mask_between_calls():
    torch.manual_seed(0)
    layer = PartialConv2d(2, 3, 3, padding=1)
    x = torch.randn(1, 2, 8, 8)
    first = (torch.rand(1, 1, 8, 8) > 0.5).float()
    second = (torch.rand(1, 1, 8, 8) > 0.5).float()
    y_first, mask_first = layer(x, first)
    y_second, mask_second = layer(x, second)
    assert not torch.equal(y_first, y_second)
    assert not torch.equal(mask_first, mask_second)
    torch.testing.assert_close(y_second, _expected(layer, x, second)[0])
    torch.testing.assert_close(layer(x, first)[0], y_first, rtol=0, atol=0)
    # a different batch size and image size right after (NVIDIA's cache keys on size only)
    y_big, _ = layer(torch.randn(3, 2, 10, 10), torch.ones(3, 1, 10, 10))
    assert y_big.shape == (3, 3, 10, 10)


def test_extra_repr_shows_multi_channel():
    assert "multi_channel=True" in repr(PartialConv2d(2, 3, 3, multi_channel=True))
    assert "multi_channel" not in repr(PartialConv2d(2, 3, 3))
