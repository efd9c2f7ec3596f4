"""The exp-based ELU against torch's ELU: values, gradients, memory format, compile."""

import pytest
import torch
import torch.nn.functional as F

from inpaint.layers.activations import build_activation
from inpaint.layers.elu import ELU


def test_values_match_torch_elu_within_exp_rounding():
    x = torch.cat([torch.linspace(-20, 20, 4001), torch.tensor([0.0, -1e-8, 1e-8, -1e-30])])
    y = ELU()(x)
    assert (y - F.elu(x)).abs().max() <= 6e-8
    assert torch.equal(y[x > 0], x[x > 0])  # the positive side is the identity, exactly
    assert y[-4] == 0 and y[-1] <= 0  # exp rounds to 1 for tiny negatives: 0 instead of -1e-8


def test_gradient_is_torch_elu_gradient():
    x = torch.randn(2, 3, 5, 5, dtype=torch.float64, requires_grad=True)
    torch.autograd.gradcheck(ELU(), (x,))
    y = ELU()(x)
    (grad,) = torch.autograd.grad(y.square().sum(), x)
    expected = 2 * y * torch.where(x > 0, 1.0, torch.exp(x))  # d elu/dx = 1 or exp(x)
    torch.testing.assert_close(grad, expected)


def test_keeps_channels_last_and_is_the_elu_of_the_activation_table():
    x = torch.randn(2, 8, 4, 4).contiguous(memory_format=torch.channels_last)
    y = build_activation("elu")(x)
    assert isinstance(build_activation("elu"), ELU)
    assert y.is_contiguous(memory_format=torch.channels_last)
    torch.testing.assert_close(y, F.elu(x), atol=6e-8, rtol=0)


def test_works_on_a_chunked_view_as_in_gated_conv():
    both = torch.randn(2, 8, 5, 5).contiguous(memory_format=torch.channels_last)
    feature = both.chunk(2, dim=1)[0].requires_grad_()
    ELU()(feature).sum().backward()
    torch.testing.assert_close(feature.grad, torch.where(feature > 0, 1.0, feature.exp()))


@pytest.mark.slow
def test_compiles_to_the_same_values_and_gradients():
    x = torch.randn(4, 6, 8, 8, requires_grad=True)
    eager_y = ELU()(x)
    (eager_grad,) = torch.autograd.grad(eager_y.sum(), x)
    compiled_y = torch.compile(ELU())(x)
    (compiled_grad,) = torch.autograd.grad(compiled_y.sum(), x)
    torch.testing.assert_close(compiled_y, eager_y)
    torch.testing.assert_close(compiled_grad, eager_grad)
