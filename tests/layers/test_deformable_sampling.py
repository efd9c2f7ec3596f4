"""The grid_sample + bmm deformable conv against torchvision's kernel and bilinear by hand."""

import pytest
import torch
from torchvision.ops import deform_conv2d

from inpaint.layers.deformable_sampling import sampled_deform_conv2d


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
    inputs = [t.requires_grad_() for t in (x, offset, weight, bias, mask) if t is not None]

    def run(fn):
        return fn(x, offset, weight, bias, stride, padding, dilation, mask)

    expected, actual = run(deform_conv2d), run(sampled_deform_conv2d)
    torch.testing.assert_close(actual, expected)
    grad_out = torch.randn_like(expected)
    expected_grads = torch.autograd.grad(expected, inputs, grad_out)
    actual_grads = torch.autograd.grad(actual, inputs, grad_out)
    for a, e in zip(actual_grads, expected_grads, strict=True):
        torch.testing.assert_close(a, e)


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
        return sampled_deform_conv2d(x, offset, weight, None, (1, 1), (1, 1), (1, 1), mask)

    assert torch.autograd.gradcheck(fn, (x, offset, weight, mask))
