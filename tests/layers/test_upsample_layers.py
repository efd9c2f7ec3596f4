"""Upsampling layers: transposed conv, resize-conv, sub-pixel conv."""

import functools

import pytest
import torch
import torch.nn.functional as F

from inpaint.layers import (
    ResizeUpsample,
    TransposedUpsample,
    available_upsamples,
    conv_transpose_output_size,
    create_upsample,
)

UPSAMPLES = available_upsamples()


def test_available_upsamples():
    assert UPSAMPLES == ["pixelshuffle", "resize", "transposed"]
    with pytest.raises(ValueError, match="unknown upsample 'bicubic'; known: pixelshuffle, resize"):
        create_upsample("bicubic", 4, 4)


def test_non_string_passes_through():
    layer = create_upsample(functools.partial(ResizeUpsample, mode="bilinear"), 4, 2, scale=3)
    assert type(layer) is ResizeUpsample and (layer.mode, layer.scale) == ("bilinear", 3)


@pytest.mark.parametrize("scale", [1, 2, 3, 4])
@pytest.mark.parametrize("name", UPSAMPLES)
def test_shape_is_scale_times_input_and_mask_is_resized(name, scale):
    layer = create_upsample(name, 4, 6, scale=scale)
    x = torch.randn(2, 4, 5, 3)
    mask = (torch.rand(2, 1, 5, 3) > 0.5).float()
    y, mask_out = layer(x, mask)
    assert y.shape == (2, 6, 5 * scale, 3 * scale)
    nearest = mask.repeat_interleave(scale, dim=2).repeat_interleave(scale, dim=3)
    torch.testing.assert_close(mask_out, nearest, rtol=0, atol=0)
    assert layer(x)[1] is None


@pytest.mark.parametrize("scale", [2, 3])
def test_transposed_formula_and_kernel(scale):
    layer = TransposedUpsample(4, 6, scale=scale)
    conv = layer.conv
    assert conv.kernel_size == (2 * scale - scale % 2,) * 2
    assert conv_transpose_output_size(5, conv.kernel_size[0], scale, scale // 2) == 5 * scale
    x = torch.randn(2, 4, 5, 5)
    expected = F.conv_transpose2d(x, conv.weight, conv.bias, stride=scale, padding=scale // 2)
    torch.testing.assert_close(layer(x)[0], expected)


@pytest.mark.parametrize("mode", ["nearest", "bilinear"])
def test_resize_formula(mode):
    layer = create_upsample("resize", 4, 6, scale=2, mode=mode)
    x = torch.randn(2, 4, 5, 5)
    up = F.interpolate(x, scale_factor=2, mode=mode)
    expected = F.conv2d(up, layer.conv.weight, layer.conv.bias, padding=1)
    torch.testing.assert_close(layer(x)[0], expected)


def test_resize_default_mode_is_nearest_and_bad_mode_is_rejected():
    assert ResizeUpsample(2, 2).mode == "nearest"
    with pytest.raises(ValueError, match="unknown mode 'area'; known: bicubic, bilinear, nearest"):
        ResizeUpsample(2, 2, mode="area")


def test_pixelshuffle_formula():
    layer = create_upsample("pixelshuffle", 4, 6, scale=2)
    with torch.no_grad():
        layer.conv.weight.normal_()  # break the ICNR symmetry so the check is not degenerate
    x = torch.randn(2, 4, 5, 5)
    conv = F.conv2d(x, layer.conv.weight, layer.conv.bias, padding=1)
    assert conv.shape == (2, 24, 5, 5)
    torch.testing.assert_close(layer(x)[0], F.pixel_shuffle(conv, 2))


@pytest.mark.parametrize("scale", [2, 3])
def test_pixelshuffle_icnr_init_equals_nearest_upsampled_conv(scale):
    layer = create_upsample("pixelshuffle", 3, 2, scale=scale)
    sub_weight = layer.conv.weight[:: scale**2]
    sub_bias = layer.conv.bias[:: scale**2]
    x = torch.randn(1, 3, 4, 4)
    expected = F.interpolate(F.conv2d(x, sub_weight, sub_bias, padding=1), scale_factor=scale)
    torch.testing.assert_close(layer(x)[0], expected)


@pytest.mark.parametrize("name", UPSAMPLES)
def test_gradients_and_gradcheck(name):
    torch.manual_seed(0)
    layer = create_upsample(name, 2, 3, scale=2)
    x = torch.randn(1, 2, 4, 4, requires_grad=True)
    y, _ = layer(x)
    (y * torch.randn_like(y)).sum().backward()
    for pname, p in layer.named_parameters():
        assert p.grad is not None and torch.isfinite(p.grad).all() and p.grad.abs().sum() > 0, pname
    layer = layer.double()
    names = [n for n, _ in layer.named_parameters()]
    params = [p.detach().clone().requires_grad_() for _, p in layer.named_parameters()]
    x64 = torch.randn(1, 2, 3, 3, dtype=torch.float64, requires_grad=True)

    def fn(x, *ps):
        return torch.func.functional_call(layer, dict(zip(names, ps, strict=True)), (x,))[0]

    assert torch.autograd.gradcheck(fn, (x64, *params))


@pytest.mark.parametrize("name", UPSAMPLES)
def test_bad_arguments(name):
    with pytest.raises(ValueError, match="scale must be a positive int, got 0"):
        create_upsample(name, 4, 4, scale=0)
    with pytest.raises(ValueError, match="out_channels must be a positive int"):
        create_upsample(name, 4, -1)
    layer = create_upsample(name, 4, 4)
    with pytest.raises(ValueError, match=r"mask of shape \(1, 1, 4, 5\) does not fit x"):
        layer(torch.randn(1, 4, 5, 5), torch.ones(1, 1, 4, 5))
