"""Gated convolution (DeepFill v2): formula, activations, the gate hook."""

import functools

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from inpaint.layers import GatedConv2d, create_conv


@pytest.mark.parametrize("stride", [1, 2])
def test_formula_single_fused_conv(stride):
    layer = create_conv("gated", 4, 6, 3, stride=stride, padding=1)
    assert layer.conv.weight.shape == (12, 4, 3, 3)
    w, b = layer.conv.weight, layer.conv.bias
    x = torch.randn(2, 4, 9, 9)
    feature = F.conv2d(x, w, b, stride, 1)[:, :6]
    gate = F.conv2d(x, w, b, stride, 1)[:, 6:]
    expected = F.elu(feature) * torch.sigmoid(gate)
    torch.testing.assert_close(layer(x)[0], expected)


def test_formula_with_groups_keeps_feature_and_gate_in_the_same_group():
    layer = GatedConv2d(4, 6, 3, padding=1, groups=2)
    w = layer.conv.weight.view(2, 2, 3, 4 // 2, 3, 3)  # (group, feature|gate, out/group, ...)
    b = layer.conv.bias.view(2, 2, 3)
    x = torch.randn(2, 4, 7, 7)
    feature = F.conv2d(x, w[:, 0].reshape(6, 2, 3, 3), b[:, 0].reshape(6), padding=1, groups=2)
    gate = F.conv2d(x, w[:, 1].reshape(6, 2, 3, 3), b[:, 1].reshape(6), padding=1, groups=2)
    torch.testing.assert_close(layer(x)[0], F.elu(feature) * torch.sigmoid(gate))


@pytest.mark.parametrize(
    ("activation", "function"),
    [
        ("elu", F.elu),
        ("relu", F.relu),
        ("leaky_relu", functools.partial(F.leaky_relu, negative_slope=0.2)),
        ("identity", lambda t: t),
        (nn.Tanh, torch.tanh),
        (functools.partial(nn.LeakyReLU, 0.1), functools.partial(F.leaky_relu, negative_slope=0.1)),
        (nn.Hardtanh(-0.5, 0.5), functools.partial(F.hardtanh, min_val=-0.5, max_val=0.5)),
    ],
)
def test_activation_choices(activation, function):
    layer = GatedConv2d(3, 4, 3, padding=1, activation=activation)
    x = torch.randn(1, 3, 6, 6)
    both = layer.conv(x)
    expected = function(both[:, :4]) * torch.sigmoid(both[:, 4:])
    torch.testing.assert_close(layer(x)[0], expected)


def test_unknown_activation_lists_known_names():
    with pytest.raises(ValueError, match="unknown activation 'swish'; known: elu, gelu, "):
        GatedConv2d(3, 4, 3, activation="swish")
    with pytest.raises(ValueError, match="activation must be a name, an nn.Module"):
        GatedConv2d(3, 4, 3, activation=lambda: "relu")


def test_hook_on_gate_activation_captures_the_gate_map():
    layer = GatedConv2d(3, 4, 3, stride=2, padding=1)
    captured = []
    layer.gate_activation.register_forward_hook(lambda m, i, out: captured.append(out))
    x = torch.randn(2, 3, 8, 8)
    layer(x)
    (gate_map,) = captured
    assert gate_map.shape == (2, 4, 4, 4)
    expected = torch.sigmoid(layer.conv(x)[:, 4:])
    torch.testing.assert_close(gate_map, expected)


def test_one_activation_table_for_gated_convs_and_generator_units():
    from inpaint.layers.activations import ACTIVATIONS, build_activation
    from inpaint.models import UNetGenerator

    x = torch.linspace(-2, 2, 9)
    for name in ACTIVATIONS:  # every name works in both places, gelu and silu included
        gated = GatedConv2d(2, 2, 3, padding=1, activation=name)
        assert type(gated.activation) is type(build_activation(name))
        UNetGenerator(block={"name": "standard", "activation": name}, widths=[4, 8])
    assert torch.allclose(build_activation("leaky_relu")(x), F.leaky_relu(x, 0.2))
    with pytest.raises(ValueError, match="unknown activation 'swish'; known: elu, gelu"):
        UNetGenerator(block={"name": "standard", "activation": "swish"}, widths=[4, 8])


@pytest.mark.parametrize("memory_format", [torch.contiguous_format, torch.channels_last])
def test_gradients_of_the_fused_elu_gate_match_autograd_of_the_formula(memory_format):
    layer = GatedConv2d(3, 4, 3, padding=1).double().to(memory_format=memory_format)
    x = torch.randn(2, 3, 6, 6, dtype=torch.float64).contiguous(memory_format=memory_format)
    x.requires_grad_(True)
    grad_y = torch.randn(2, 4, 6, 6, dtype=torch.float64)
    y = layer(x)[0]
    assert type(y.grad_fn).__name__ == "_ELUGateBackward"  # the default takes the fused path
    y.backward(grad_y)
    w, b = layer.conv.weight.detach().requires_grad_(), layer.conv.bias.detach().requires_grad_()
    reference_x = x.detach().requires_grad_()
    both = F.conv2d(reference_x, w, b, padding=1)
    expected = F.elu(both[:, :4]) * torch.sigmoid(both[:, 4:])
    expected.backward(grad_y)
    torch.testing.assert_close(y, expected)
    torch.testing.assert_close(x.grad, reference_x.grad)
    torch.testing.assert_close(layer.conv.weight.grad, w.grad)
    torch.testing.assert_close(layer.conv.bias.grad, b.grad)
    torch.autograd.gradcheck(lambda t: layer(t)[0], (x.detach().requires_grad_(),))


@pytest.mark.slow
def test_compiled_layer_takes_the_plain_ops_and_agrees_with_the_fused_eager_one():
    layer = GatedConv2d(3, 4, 3, padding=1)
    x = torch.randn(2, 3, 8, 8, requires_grad=True)
    eager = layer(x)[0]
    (eager_grad,) = torch.autograd.grad(eager.sum(), x)
    compiled = torch.compile(layer)(x)[0]
    (compiled_grad,) = torch.autograd.grad(compiled.sum(), x)
    torch.testing.assert_close(compiled, eager)
    torch.testing.assert_close(compiled_grad, eager_grad)
