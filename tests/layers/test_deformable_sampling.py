"""The grid_sample + bmm deformable conv against torchvision's kernel and bilinear by hand."""

import pytest
import torch
from torchvision.ops import deform_conv2d

from inpaint.layers import gathered_matmul as gathered_matmul_module
from inpaint.layers.deformable_sampling import sampled_deform_conv2d

#: stride, padding, dilation of a "same" 3x3 conv
SAME_3X3 = ((1, 1), (1, 1), (1, 1))


def _compare_with_torchvision(x, offset, weight, bias, stride, padding, dilation, mask=None):
    """Values and gradients of every input of the two implementations agree."""
    inputs = [t.requires_grad_() for t in (x, offset, weight, bias, mask) if t is not None]
    args = (x, offset, weight, bias, stride, padding, dilation, mask)
    expected, actual = deform_conv2d(*args), sampled_deform_conv2d(*args)
    torch.testing.assert_close(actual, expected)
    grad_out = torch.randn_like(expected)
    expected_grads = torch.autograd.grad(expected, inputs, grad_out)
    actual_grads = torch.autograd.grad(actual, inputs, grad_out)
    for a, e in zip(actual_grads, expected_grads, strict=True):
        torch.testing.assert_close(a, e)


@pytest.mark.parametrize(
    ("kernel", "stride", "padding", "dilation", "groups", "offset_groups", "modulated"),
    [
        ((3, 3), (1, 1), (1, 1), (1, 1), 1, 1, False),
        ((3, 3), (1, 1), (1, 1), (1, 1), 1, 1, True),
        ((3, 3), (2, 2), (1, 1), (1, 1), 1, 1, False),
        ((3, 3), (1, 1), (2, 2), (2, 2), 1, 1, True),
        ((3, 2), (2, 1), (1, 0), (1, 2), 2, 1, False),
        ((3, 3), (1, 1), (1, 1), (1, 1), 2, 4, True),
        ((1, 1), (1, 1), (0, 0), (1, 1), 1, 2, False),
    ],
)
def test_matches_torchvision_values_and_gradients(
    kernel, stride, padding, dilation, groups, offset_groups, modulated
):
    torch.manual_seed(0)
    n, c, h, w, out = 2, 4, 7, 6, 6
    x = torch.randn(n, c, h, w, dtype=torch.float64)
    weight = torch.randn(out, c // groups, *kernel, dtype=torch.float64)
    bias = torch.randn(out, dtype=torch.float64)
    h_out = (h + 2 * padding[0] - dilation[0] * (kernel[0] - 1) - 1) // stride[0] + 1
    w_out = (w + 2 * padding[1] - dilation[1] * (kernel[1] - 1) - 1) // stride[1] + 1
    taps = offset_groups * kernel[0] * kernel[1]
    # fractional offsets up to +-3 pixels: many taps land between pixels or outside the image
    offset = torch.randn(n, 2 * taps, h_out, w_out, dtype=torch.float64) * 1.5
    mask = torch.rand(n, taps, h_out, w_out, dtype=torch.float64) if modulated else None
    _compare_with_torchvision(x, offset, weight, bias, stride, padding, dilation, mask)


@pytest.mark.parametrize("offset_value", [0.0, 1.0, -2.0])
@pytest.mark.parametrize("size", [(9, 13), (8, 8)])
def test_integer_offsets_take_torchvisions_one_sided_gradient(offset_value, size):
    """Bilinear sampling has a kink at integer positions; a fresh layer sits on it (offsets 0)."""
    torch.manual_seed(0)
    f64 = dict(dtype=torch.float64)
    x = torch.randn(2, 3, *size, **f64)
    offset = torch.full((2, 18, *size), offset_value, **f64)
    _compare_with_torchvision(
        x, offset, torch.randn(4, 3, 3, 3, **f64), torch.randn(4, **f64), *SAME_3X3
    )


@pytest.mark.parametrize("size", [(1, 5), (5, 1), (1, 1)])
def test_one_pixel_wide_inputs(size):
    torch.manual_seed(0)
    f64 = dict(dtype=torch.float64)
    x = torch.randn(1, 2, *size, **f64)
    offset = torch.randn(1, 18, *size, **f64)
    weight = torch.randn(3, 2, 3, 3, **f64)
    _compare_with_torchvision(x, offset, weight, None, *SAME_3X3)


def test_channels_last_input_and_empty_batch():
    torch.manual_seed(0)
    f64 = dict(dtype=torch.float64)
    x = torch.randn(2, 4, 6, 7, **f64).contiguous(memory_format=torch.channels_last)
    offset = torch.randn(2, 18, 6, 7, **f64)
    _compare_with_torchvision(x, offset, torch.randn(5, 4, 3, 3, **f64), None, *SAME_3X3)
    empty = sampled_deform_conv2d(
        torch.randn(0, 4, 6, 7),
        torch.randn(0, 18, 6, 7),
        torch.randn(5, 4, 3, 3),
        None,
        *SAME_3X3,
    )
    assert empty.shape == (0, 5, 6, 7)


def test_bfloat16_is_sampled_in_float32():
    torch.manual_seed(0)
    x, offset = torch.randn(1, 2, 40, 300), torch.randn(1, 18, 40, 300)
    weight = torch.randn(3, 2, 3, 3)
    expected = deform_conv2d(x, offset, weight, None, *SAME_3X3)
    actual = sampled_deform_conv2d(
        x.bfloat16(), offset.bfloat16(), weight.bfloat16(), None, *SAME_3X3
    )
    assert actual.dtype == torch.bfloat16
    # bf16 inputs carry ~3 significant digits: compare at that precision
    reference = deform_conv2d(
        x.bfloat16().float(),
        offset.bfloat16().float(),
        weight.bfloat16().float(),
        None,
        *SAME_3X3,
    )
    torch.testing.assert_close(actual.float(), reference, atol=0.1, rtol=0.02)
    assert (actual.float() - expected).abs().max() < 0.5


def test_offset_of_the_wrong_size_is_named():
    with pytest.raises(
        ValueError, match=r"offset \[1, 18, 4, 4\].*expected \[1, 2 \* G \* 9, 5, 5\]"
    ):
        sampled_deform_conv2d(
            torch.randn(1, 2, 5, 5),
            torch.randn(1, 18, 4, 4),
            torch.randn(3, 2, 3, 3),
            None,
            *SAME_3X3,
        )


def test_one_tap_reads_the_bilinear_mix_of_its_four_neighbours():
    x = torch.arange(12.0, dtype=torch.float64).view(1, 1, 3, 4) ** 2
    weight = torch.ones(1, 1, 1, 1, dtype=torch.float64)
    offset = torch.zeros(1, 2, 3, 4, dtype=torch.float64)
    offset[0, :, 0, 1] = torch.tensor([0.25, 1.5])  # output (0, 1) reads x at (0.25, 2.5)
    y = sampled_deform_conv2d(x, offset, weight, None, (1, 1), (0, 0), (1, 1))
    top = 0.5 * x[0, 0, 0, 2] + 0.5 * x[0, 0, 0, 3]
    bottom = 0.5 * x[0, 0, 1, 2] + 0.5 * x[0, 0, 1, 3]
    assert y[0, 0, 0, 1].item() == pytest.approx(0.75 * top + 0.25 * bottom)
    offset[0, :, 0, 1] = torch.tensor([0.0, -1.5])  # x at (0, -0.5): half of x[0, 0], half zero
    y = sampled_deform_conv2d(x, offset, weight, None, (1, 1), (0, 0), (1, 1))
    assert y[0, 0, 0, 1].item() == pytest.approx(0.5 * x[0, 0, 0, 0].item())


def test_gradcheck():
    torch.manual_seed(1)
    x = torch.randn(1, 2, 4, 5, dtype=torch.float64, requires_grad=True)
    offset = (torch.rand(1, 18, 4, 5, dtype=torch.float64) * 0.8 + 0.1).requires_grad_()
    weight = torch.randn(3, 2, 3, 3, dtype=torch.float64, requires_grad=True)
    mask = torch.rand(1, 9, 4, 5, dtype=torch.float64, requires_grad=True)

    def fn(x, offset, weight, mask):
        return sampled_deform_conv2d(x, offset, weight, None, *SAME_3X3, mask)

    assert torch.autograd.gradcheck(fn, (x, offset, weight, mask))


@pytest.mark.parametrize(
    ("size", "stride", "modulated"), [((7, 6), (1, 1), False), ((13, 9), (2, 2), True)]
)
def test_unpadded_sampling_for_export_gives_the_same_values(size, stride, modulated):
    """exact_integer_grid=False (the export path) differs only by coordinate rounding."""
    torch.manual_seed(0)
    x = torch.randn(2, 4, *size)
    h_out, w_out = ((s + 2 - 3) // st + 1 for s, st in zip(size, stride, strict=True))
    offset = torch.randn(2, 18, h_out, w_out) * 1.5
    mask = torch.rand(2, 9, h_out, w_out) if modulated else None
    args = (x, offset, torch.randn(5, 4, 3, 3), torch.randn(5), stride, (1, 1), (1, 1), mask)
    torch.testing.assert_close(
        sampled_deform_conv2d(*args, exact_integer_grid=False),
        sampled_deform_conv2d(*args),
        atol=1e-5,
        rtol=1e-5,
    )


@pytest.mark.parametrize(
    ("stride", "padding", "dilation", "groups", "offset_groups", "modulated"),
    [
        ((1, 1), (1, 1), (1, 1), 1, 1, True),
        ((2, 2), (1, 1), (1, 1), 2, 2, False),
        ((2, 1), (2, 0), (2, 1), 1, 2, True),
    ],
)
def test_many_chunks_with_integer_and_outside_offsets(
    monkeypatch, stride, padding, dilation, groups, offset_groups, modulated
):
    """The gathered columns walked a few output pixels at a time, and taps that land on whole
    pixels, between them, just past the border and far outside."""
    monkeypatch.setattr(gathered_matmul_module, "CHUNK_BYTES", 500)
    torch.manual_seed(0)
    f64 = dict(dtype=torch.float64)
    n, c, h, w, out = 2, 4, 6, 7, 6
    h_out = (h + 2 * padding[0] - dilation[0] * 2 - 1) // stride[0] + 1
    w_out = (w + 2 * padding[1] - dilation[1] * 2 - 1) // stride[1] + 1
    taps = offset_groups * 9
    choices = torch.tensor([0.0, 1.0, -2.0, 0.5, -0.25, 1.75, 7.0, -9.5], **f64)
    offset = choices[torch.randint(len(choices), (n, 2 * taps, h_out, w_out))]
    mask = torch.rand(n, taps, h_out, w_out, **f64) if modulated else None
    _compare_with_torchvision(
        torch.randn(n, c, h, w, **f64),
        offset,
        torch.randn(out, c // groups, 3, 3, **f64),
        torch.randn(out, **f64),
        stride,
        padding,
        dilation,
        mask,
    )


@pytest.mark.parametrize(
    ("stride", "dilation", "groups", "offset_groups"),
    [((2, 2), (1, 1), 1, 1), ((1, 2), (2, 1), 2, 2)],
)
def test_gradcheck_strided_grouped(stride, dilation, groups, offset_groups):
    torch.manual_seed(2)
    f64 = dict(dtype=torch.float64)
    x = torch.randn(1, 4, 5, 6, **f64, requires_grad=True)
    h_out = (5 + 2 - dilation[0] * 2 - 1) // stride[0] + 1
    w_out = (6 + 2 - dilation[1] * 2 - 1) // stride[1] + 1
    taps = offset_groups * 9
    # fractional parts in [0.1, 0.9]: away from the kinks at whole pixels; some taps outside
    whole = torch.randint(-3, 3, (1, 2 * taps, h_out, w_out)).to(torch.float64)
    offset = (whole + torch.rand(1, 2 * taps, h_out, w_out, **f64) * 0.8 + 0.1).requires_grad_()
    weight = torch.randn(2, 4 // groups, 3, 3, **f64, requires_grad=True)
    mask = torch.rand(1, taps, h_out, w_out, **f64, requires_grad=True)

    def fn(x, offset, weight, mask):
        return sampled_deform_conv2d(x, offset, weight, None, stride, (1, 1), dilation, mask)

    assert torch.autograd.gradcheck(fn, (x, offset, weight, mask))
