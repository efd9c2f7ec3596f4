"""Deformable convolution v1/v2 via torchvision: regular grid, shifts, modulation."""

import pytest
import torch
import torch.nn.functional as F

from inpaint.layers import DeformableConv2d, create_conv


@pytest.mark.parametrize(
    ("stride", "padding", "dilation", "groups"),
    [(1, 1, 1, 1), (2, 1, 1, 1), (1, 2, 2, 1), (1, 1, 1, 2), (2, 0, 1, 2)],
)
def test_fresh_layer_equals_standard_conv(stride, padding, dilation, groups):
    layer = DeformableConv2d(4, 6, 3, stride, padding, dilation, groups)
    x = torch.randn(2, 4, 9, 8)
    expected = F.conv2d(x, layer.weight, layer.bias, stride, padding, dilation, groups)
    torch.testing.assert_close(layer(x)[0], expected, atol=1e-5, rtol=1e-5)


def _shift(x, dy, dx):
    """out[..., i, j] = x[..., i + dy, j + dx], zero outside."""
    out = torch.zeros_like(x)
    h, w = x.shape[-2:]
    out[..., max(0, -dy) : h - max(0, dy), max(0, -dx) : w - max(0, dx)] = x[
        ..., max(0, dy) : h + min(0, dy), max(0, dx) : w + min(0, dx)
    ]
    return out


@pytest.mark.parametrize(("dy", "dx"), [(1, 0), (0, 1), (-1, 0)])
def test_constant_integer_offset_shifts_the_sampling(dy, dx):
    layer = DeformableConv2d(3, 5, 3, padding=1)
    with torch.no_grad():
        layer.offset_conv.bias[0::2] = dy  # torchvision layout: (dy, dx) per kernel tap
        layer.offset_conv.bias[1::2] = dx
    x = torch.randn(2, 3, 8, 8)
    expected = F.conv2d(_shift(x, dy, dx), layer.weight, layer.bias, padding=1)
    interior = (slice(None), slice(None), slice(1, -1), slice(1, -1))
    torch.testing.assert_close(layer(x)[0][interior], expected[interior], atol=1e-5, rtol=1e-5)


def test_offset_groups_shift_only_their_channels():
    layer = DeformableConv2d(4, 5, 3, padding=1, offset_groups=2)
    assert layer.offset_conv.out_channels == 2 * 2 * 9
    with torch.no_grad():
        layer.offset_conv.bias[0:18:2] = 1  # dy = 1 for group 0 (input channels 0, 1) only
    x = torch.randn(1, 4, 8, 8)
    shifted = torch.cat([_shift(x[:, :2], 1, 0), x[:, 2:]], dim=1)
    expected = F.conv2d(shifted, layer.weight, layer.bias, padding=1)
    torch.testing.assert_close(
        layer(x)[0][..., 1:-1, 1:-1], expected[..., 1:-1, 1:-1], atol=1e-5, rtol=1e-5
    )


def test_fresh_modulated_layer_is_half_conv_plus_bias():
    layer = create_conv("deformable", 4, 6, 3, stride=2, padding=1, modulated=True)
    assert layer.offset_conv.out_channels == 3 * 9
    x = torch.randn(2, 4, 9, 9)
    expected = 0.5 * F.conv2d(x, layer.weight, None, 2, 1) + layer.bias.view(1, -1, 1, 1)
    torch.testing.assert_close(layer(x)[0], expected, atol=1e-5, rtol=1e-5)


def test_modulation_logits_scale_each_tap():
    layer = DeformableConv2d(2, 3, 3, padding=1, modulated=True, bias=False)
    with torch.no_grad():
        layer.offset_conv.bias[18:] = 2.0  # modulation = sigmoid(2) on every tap
    x = torch.randn(1, 2, 6, 6)
    expected = torch.sigmoid(torch.tensor(2.0)) * F.conv2d(x, layer.weight, None, padding=1)
    torch.testing.assert_close(layer(x)[0], expected, atol=1e-5, rtol=1e-5)


def test_gradcheck_modulated_with_fractional_offsets():
    torch.manual_seed(0)
    layer = DeformableConv2d(2, 3, 3, padding=1, modulated=True).double()
    with torch.no_grad():
        layer.offset_conv.weight.normal_(0, 0.01)
        layer.offset_conv.bias.uniform_(0.2, 0.3)
    names = [n for n, _ in layer.named_parameters()]
    params = [p.detach().clone().requires_grad_() for _, p in layer.named_parameters()]
    x = torch.randn(1, 2, 5, 5, dtype=torch.float64, requires_grad=True)

    def fn(x, *ps):
        return torch.func.functional_call(layer, dict(zip(names, ps, strict=True)), (x,))[0]

    assert torch.autograd.gradcheck(fn, (x, *params))


def test_offset_conv_starts_at_zero_and_is_hookable():
    layer = DeformableConv2d(3, 4, 3, padding=1)
    assert (layer.offset_conv.weight == 0).all() and (layer.offset_conv.bias == 0).all()
    seen = []
    layer.offset_conv.register_forward_hook(lambda m, i, out: seen.append(out.shape))
    layer(torch.randn(1, 3, 6, 6))
    assert seen == [torch.Size([1, 18, 6, 6])]


def test_bad_offset_groups():
    with pytest.raises(
        ValueError, match=r"in_channels \(4\) must be divisible by offset_groups \(3\)"
    ):
        DeformableConv2d(4, 4, 3, offset_groups=3)
    with pytest.raises(ValueError, match="offset_groups must be a positive int"):
        DeformableConv2d(4, 4, 3, offset_groups=0)


def test_extra_repr_shows_options():
    text = repr(DeformableConv2d(4, 4, 3, padding=1, modulated=True, offset_groups=2))
    assert "modulated=True" in text and "offset_groups=2" in text and "padding=(1, 1)" in text


def test_under_torch_export_height_and_width_stay_symbolic():
    """Exported with dynamic sizes (the ONNX export path), the layer computes what it computes
    eagerly at a size other than the traced one."""
    torch.manual_seed(0)
    layer = DeformableConv2d(3, 4, 3, stride=2, padding=1).eval()
    torch.nn.init.normal_(layer.offset_conv.weight, std=0.5)
    height, width = torch.export.Dim("height", min=3), torch.export.Dim("width", min=3)
    exported = torch.export.export(
        layer,
        (torch.randn(2, 3, 12, 20),),
        dynamic_shapes=({0: torch.export.Dim("batch"), 2: height, 3: width},),
        strict=False,
    )
    x = torch.randn(1, 3, 9, 7)
    torch.testing.assert_close(exported.module()(x)[0], layer(x)[0], atol=1e-5, rtol=1e-5)
