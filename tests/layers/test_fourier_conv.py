"""Fast Fourier convolution against its defining formula, built from plain torch calls."""

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from inpaint.layers import (
    FourierConv2d,
    FourierUnit,
    SpectralTransform,
    count_flops,
    create_conv,
)
from inpaint.models import UNetGenerator


def randomise(module: nn.Module) -> nn.Module:
    """Random weights and BN running statistics, eval mode, float64."""
    torch.manual_seed(0)
    for p in module.parameters():
        nn.init.normal_(p, std=0.3)
    for m in module.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.running_mean.normal_()
            m.running_var.uniform_(0.5, 2)
    return module.double().eval()


def manual_fourier_unit(unit: FourierUnit, x: torch.Tensor) -> torch.Tensor:
    """rfft2 -> [Re, Im] per channel -> 1x1 conv -> BN -> ReLU -> irfft2, written out."""
    spectrum = torch.fft.rfft2(x, norm="ortho")
    stacked = torch.stack([spectrum.real, spectrum.imag], dim=2).flatten(1, 2)
    y = F.conv2d(stacked, unit.conv.weight)
    bn = unit.norm
    y = F.relu(F.batch_norm(y, bn.running_mean, bn.running_var, bn.weight, bn.bias, eps=bn.eps))
    real, imag = y[:, 0::2], y[:, 1::2]
    return torch.fft.irfft2(torch.complex(real, imag), s=x.shape[-2:], norm="ortho")


@pytest.mark.parametrize("size", [(8, 8), (7, 10), (5, 9)])
def test_fourier_unit_is_a_per_frequency_1x1_conv(size):
    unit = randomise(FourierUnit(3, 2))
    x = torch.randn(2, 3, *size, dtype=torch.float64)
    torch.testing.assert_close(unit(x), manual_fourier_unit(unit, x))


@pytest.mark.parametrize("size", [(8, 8), (7, 9)])
def test_fourier_unit_with_identity_conv_returns_its_input(size):
    unit = FourierUnit(4, 4).double()
    with torch.no_grad():
        unit.conv.weight.copy_(torch.eye(8, dtype=torch.float64).view(8, 8, 1, 1))
    unit.norm, unit.activation = nn.Identity(), nn.Identity()
    x = torch.randn(1, 4, *size, dtype=torch.float64)
    torch.testing.assert_close(unit(x), x)


def test_spectral_transform_formula_and_stride_2_pooling():
    spectral = randomise(SpectralTransform(6, 4))
    x = torch.randn(2, 6, 8, 10, dtype=torch.float64)
    reduce_conv, reduce_bn = spectral.reduce[0], spectral.reduce[1]
    pooled = F.avg_pool2d(x, 2)  # LaMa's stride-2 downsampling of the global path
    z = F.relu(
        F.batch_norm(
            F.conv2d(pooled, reduce_conv.weight),
            reduce_bn.running_mean,
            reduce_bn.running_var,
            reduce_bn.weight,
            reduce_bn.bias,
            eps=reduce_bn.eps,
        )
    )
    expected = F.conv2d(z + manual_fourier_unit(spectral.fourier, z), spectral.expand.weight)
    torch.testing.assert_close(spectral(x, (4, 5)), expected)


def test_local_fourier_unit_works_on_the_four_quadrants_of_a_quarter_of_the_channels():
    spectral = randomise(SpectralTransform(8, 16, enable_lfu=True))
    z = torch.randn(1, 8, 6, 4, dtype=torch.float64)  # hidden = 16 // 2 = 8 channels
    quarter = z[:, :2]
    quadrants = torch.cat(
        [quarter[..., :3, :2], quarter[..., :3, 2:], quarter[..., 3:, :2], quarter[..., 3:, 2:]],
        dim=1,
    )
    expected = manual_fourier_unit(spectral.local_fourier, quadrants).repeat(1, 1, 2, 2)
    torch.testing.assert_close(spectral._local(z), expected)


@pytest.mark.parametrize("stride", [1, 2])
def test_fourier_conv_formula(stride):
    layer = randomise(create_conv("fourier", 8, 12, 3, stride=stride, padding=1))
    assert (layer.in_global, layer.out_global) == (6, 9)
    x = torch.randn(2, 8, 9, 8, dtype=torch.float64)
    x_l, x_g = x[:, :2], x[:, 2:]

    def conv(part, module):
        return F.conv2d(part, module.weight, None, stride, 1)

    y_local = conv(x_l, layer.local_to_local) + conv(x_g, layer.global_to_local)
    y_global = conv(x_l, layer.local_to_global)
    y_global = y_global + layer.global_to_global(x_g, tuple(y_global.shape[-2:]))
    expected = torch.cat([y_local, y_global], dim=1) + layer.bias.view(1, -1, 1, 1)
    torch.testing.assert_close(layer(x)[0], expected)


def test_fourier_conv_without_global_channels_is_a_plain_conv():
    layer = randomise(FourierConv2d(4, 6, 3, padding=1, ratio_gin=0, ratio_gout=0))
    assert layer.global_to_global is None and layer.local_to_global is None
    x = torch.randn(1, 4, 7, 7, dtype=torch.float64)
    expected = F.conv2d(x, layer.local_to_local.weight, layer.bias, padding=1)
    torch.testing.assert_close(layer(x)[0], expected)


@pytest.mark.parametrize(("size", "stride"), [((9, 7), 1), ((9, 7), 2), ((16, 15), 2)])
def test_output_size_and_mask_follow_the_conv_grid(size, stride):
    layer = FourierConv2d(8, 8, 3, stride=stride, padding=1)
    x, mask = torch.randn(2, 8, *size), torch.ones(2, 1, *size)
    y, mask_out = layer(x, mask)
    reference = nn.Conv2d(8, 8, 3, stride, 1)(x)
    assert y.shape == reference.shape and mask_out.shape == (2, 1, *reference.shape[-2:])


def test_gradcheck_float64():
    layer = randomise(FourierConv2d(2, 2, 3, padding=1, ratio_gin=0.5, ratio_gout=0.5))
    x = torch.randn(1, 2, 4, 5, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda t: layer(t)[0], (x,))


def test_bf16_autocast_on_cpu_runs_the_fft_in_float32():
    layer = FourierConv2d(8, 8, 3, padding=1).eval()
    x = torch.randn(2, 8, 9, 11)
    reference = layer(x)[0]
    with torch.autocast("cpu", dtype=torch.bfloat16):
        y = layer(x)[0]
    assert y.dtype == torch.bfloat16 and torch.isfinite(y).all()
    torch.testing.assert_close(y.float(), reference, atol=0.1, rtol=0.05)


def test_flops_count_the_convs_and_the_ffts():
    layer = FourierConv2d(8, 8, 3, padding=1, bias=False)  # 2 local / 6 global channels
    hw = 8 * 8
    convs = 2 * hw * 9 * (2 * 2 + 2 * 6 + 6 * 2)  # l2l, l2g, g2l
    one_by_one = 2 * hw * 6 * 3 + 2 * (8 * 5) * 6 * 6 + 2 * hw * 3 * 6  # reduce, FU, expand
    ffts = 2 * int(2.5 * 3 * hw * 6)  # rfft2 + irfft2 of 3 channels, 2.5 L log2 L, L = 64
    assert count_flops(layer, (1, 8, 8, 8)) == convs + one_by_one + ffts == 45_504


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(ratio_gin=1.5), "ratio_gin must be a number in"),
        (dict(ratio_gout="half"), "ratio_gout"),
        (dict(groups=2), "groups=1 only"),
        (dict(enable_lfu=True), "divisible by 4"),
    ],
)
def test_bad_arguments_are_named(kwargs, message):
    with pytest.raises(ValueError, match=message):
        FourierConv2d(8, 10, 3, **kwargs)


def test_local_fourier_unit_needs_an_even_grid():
    layer = FourierConv2d(16, 16, 3, padding=1, ratio_gin=0.5, ratio_gout=0.5, enable_lfu=True)
    with pytest.raises(ValueError, match="even grid, got 7x8"):
        layer(torch.randn(1, 16, 7, 8))


FOURIER_BLOCK = {"name": "fourier", "kwargs": {"ratio_gin": 0.75, "ratio_gout": 0.75}}


def corner_gradient(generator: UNetGenerator) -> float:
    """|d output[0, :, 0, 0] / d image[..., 63, 63]| of a 64x64 input."""
    torch.manual_seed(0)
    image = torch.rand(1, 3, 64, 64, requires_grad=True)
    generator.eval()(image, torch.ones(1, 1, 64, 64))[0, :, 0, 0].sum().backward()
    return image.grad[..., 63, 63].abs().sum().item()


def test_one_fourier_output_pixel_sees_the_opposite_corner():
    small = dict(widths=[8, 16, 16], context_dilations=[1, 1])
    fourier = UNetGenerator(FOURIER_BLOCK, outer_levels=-1, context_residual=True, **small)
    standard = UNetGenerator("standard", **small)
    assert corner_gradient(fourier) > 0  # any path through the spectrum is a dependence
    assert corner_gradient(standard) == 0
