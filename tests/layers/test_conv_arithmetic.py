"""Output sizes, receptive fields, parameter and FLOP counts."""

import itertools

import pytest
import torch
from torch import nn
from torch.utils.flop_counter import FlopCounterMode
from torchvision.ops import deform_conv2d

from inpaint.layers import (
    DeformableConv2d,
    conv_output_size,
    conv_transpose_output_size,
    count_flops,
    count_params,
    create_conv,
    receptive_field,
)
from inpaint.layers.arithmetic import FLOP_FORMULAS
from inpaint.layers.checks import check_conv_args
from inpaint.layers.deformable_sampling import sampled_deform_conv2d


def test_conv_output_size_matches_conv2d_over_a_grid():
    checked = 0
    for size, k, s, p, d in itertools.product((5, 6), (1, 2, 3, 4), (1, 2, 3), (0, 1, 2), (1, 2)):
        if size + 2 * p < d * (k - 1) + 1:
            with pytest.raises(ValueError, match="too small"):
                conv_output_size(size, k, s, p, d)
            continue
        y = nn.Conv2d(1, 1, k, s, p, d)(torch.zeros(1, 1, size, size))
        assert y.shape[-1] == conv_output_size(size, k, s, p, d), (size, k, s, p, d)
        checked += 1
    assert checked == 138  # the other 6 combinations are too small and raise


def test_conv_transpose_output_size_matches_conv_transpose2d_over_a_grid():
    checked = 0
    for k, s, p, d in itertools.product((1, 2, 3, 4), (1, 2, 3), (0, 1, 2), (1, 2)):
        for op in range(max(s, d)):
            expected = (5 - 1) * s - 2 * p + d * (k - 1) + op + 1
            if expected < 1:
                continue
            layer = nn.ConvTranspose2d(1, 1, k, s, p, op, dilation=d)
            y = layer(torch.zeros(1, 1, 5, 5))
            assert y.shape[-1] == conv_transpose_output_size(5, k, s, p, op, d), (k, s, p, d, op)
            checked += 1
    assert checked > 100


def test_conv_transpose_output_padding_must_be_below_max_stride_dilation():
    with pytest.raises(ValueError, match=r"output_padding \(2\) must be >= 0 and smaller than"):
        conv_transpose_output_size(5, 3, stride=2, output_padding=2)
    assert conv_transpose_output_size(4, 4, stride=2, padding=1) == 8


@pytest.mark.parametrize(
    ("layers", "size", "jump"),
    [
        ([(3, 1, 1)], 3, 1),
        ([(3, 1, 2)], 5, 1),
        ([(3, 1, 3)], 7, 1),
        ([(3, 1, 1), (3, 1, 1)], 5, 1),
        ([(3, 1, 2), (3, 1, 3)], 11, 1),
        ([(3, 1, 1), (3, 2, 1), (3, 1, 1)], 9, 2),  # 3, +2 = 5, then +2 * jump 2 = 9
        ([(3, 2, 1), (3, 2, 1), (3, 1, 2)], 1 + 2 + 4 + 16, 4),
    ],
)
def test_receptive_field_formula_and_measured_by_gradient(layers, size, jump):
    field = receptive_field(layers)
    assert field == size and field.jump == jump and isinstance(field, int)
    stack = nn.Sequential(*(nn.Conv2d(1, 1, k, s, dilation=d, bias=False) for k, s, d in layers))
    for conv in stack:
        nn.init.ones_(conv.weight)
    x = torch.zeros(1, 1, 40, 40, requires_grad=True)
    stack(x)[0, 0, 0, 0].backward()
    rows = x.grad[0, 0].sum(1).nonzero().flatten()
    assert rows[-1] - rows[0] + 1 == size


def test_receptive_field_repr_and_bad_layer():
    assert repr(receptive_field([(3, 2, 1)])) == "ReceptiveField(size=3, jump=2)"
    assert receptive_field([]) == 1
    with pytest.raises(ValueError, match="each layer must be"):
        receptive_field([(3, 1)])


def test_count_params_counts_all_parameters():
    layer = nn.Conv2d(3, 8, 3)
    layer.bias.requires_grad_(False)
    assert count_params(layer) == 8 * 3 * 9 + 8


def test_count_flops_of_conv_is_two_per_mac():
    macs = 2 * 8 * 16 * 16 * 3 * 9  # batch * C_out * H_out * W_out * C_in * k * k
    assert count_flops(nn.Conv2d(3, 8, 3, padding=1), (2, 3, 16, 16)) == 2 * macs
    layer = create_conv("standard", 3, 8, 3, padding=1, groups=1)
    assert count_flops(layer, (2, 3, 16, 16), (2, 1, 16, 16)) == 2 * macs
    grouped = 2 * 8 * 16 * 16 * (4 // 2) * 9
    assert count_flops(nn.Conv2d(4, 8, 3, padding=1, groups=2), (2, 4, 16, 16)) == 2 * grouped


@pytest.mark.parametrize("modulated", [False, True])
def test_count_flops_of_deformable(modulated):
    layer = DeformableConv2d(4, 6, 3, padding=1, modulated=modulated)
    pixels, taps = 8 * 8, 9
    offset_conv = 2 * (3 if modulated else 2) * taps * pixels * 4 * taps
    conv = 2 * 6 * pixels * 4 * taps
    sampling = 8 * 4 * taps * pixels  # 4 MACs per C_in * kh * kw * H_out * W_out values
    assert count_flops(layer, (1, 4, 8, 8)) == offset_conv + conv + sampling
    assert offset_conv + conv + sampling == (170_496 if modulated else 129_024)


@pytest.mark.parametrize("modulated", [False, True])
def test_deformable_flops_agree_between_torchvision_and_grid_sample(modulated):
    x = torch.randn(2, 4, 8, 8)
    offset = torch.randn(2, 18, 4, 4)
    weight = torch.randn(6, 2, 3, 3)
    mask = torch.rand(2, 9, 4, 4) if modulated else None
    args = (x, offset, weight, None, (2, 2), (1, 1), (1, 1), mask)
    counts = []
    for deform in (deform_conv2d, sampled_deform_conv2d):
        counter = FlopCounterMode(display=False, custom_mapping=FLOP_FORMULAS)
        with counter:
            deform(*args)
        counts.append(counter.get_total_flops())
    assert counts == [2 * 6 * 16 * 2 * 9 * 2 + 8 * 2 * 4 * 9 * 16] * 2


def test_check_conv_args_returns_pairs():
    assert check_conv_args(4, 6, 3, (2, 1), 0, [1, 2]) == ((3, 3), (2, 1), (0, 0), (1, 2))
    with pytest.raises(ValueError, match="groups must be a positive int, got 0"):
        check_conv_args(4, 6, 3, groups=0)
    with pytest.raises(ValueError, match=r"in_channels \(4\) must be divisible by groups \(3\)"):
        check_conv_args(4, 6, 3, groups=3)
    with pytest.raises(ValueError, match="dilation must be an int or a pair of ints"):
        check_conv_args(4, 6, 3, dilation=(1, 2, 3))
    with pytest.raises(ValueError, match="out_channels must be a positive int, got True"):
        check_conv_args(4, True, 3)
