"""Gated convolution.

Yu et al., "Free-Form Image Inpainting with Gated Convolution" (ICCV 2019, DeepFill v2)::

    y = activation(feature) * sigmoid(gate),     [feature, gate] = conv(x)

Feature and gate come from one fused convolution with ``2 * out_channels`` outputs. The
sigmoid is the submodule ``gate_activation``, so a forward hook on it sees the gate map. With
the default ELU and ``groups=1``, run eagerly, the product and its gradient are one function
(`inpaint.layers.elu_gate`), which saves the concatenation of the two halves' gradients.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch
from torch import Tensor, nn

from .activations import build_activation
from .base import MaskAgnosticConv
from .elu import ELU
from .elu_gate import elu_gate


class GatedConv2d(MaskAgnosticConv):
    """Gated convolution ``activation(F) * sigmoid(G)`` with one fused conv for ``F`` and ``G``.

    Args:
        in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias: as
            ``nn.Conv2d``; ``groups`` applies to feature and gate alike.
        activation (str, nn.Module or callable): feature activation, a name in
            `inpaint.layers.activations.ACTIVATIONS` (``"elu"``, ``"gelu"``...), a module or a
            zero-argument factory (e.g. ``nn.GELU``). Default: ``"elu"``

    Attributes:
        conv (nn.Conv2d): the fused conv with ``2 * out_channels`` outputs. Its output channels
            are laid out per group as ``[feature (out_channels / groups), gate (same)]``; with
            ``groups=1`` channels ``[:out_channels]`` are the feature, the rest the gate.
        activation (nn.Module): applied to the feature.
        gate_activation (nn.Sigmoid): applied to the gate; hook it to capture gate maps.
    """

    def __init__(
        self,
        *conv_args: Any,
        activation: str | nn.Module | Callable[[], nn.Module] = "elu",
        **conv_kwargs: Any,
    ) -> None:
        super().__init__(*conv_args, **conv_kwargs)
        self.conv = self.make_conv(self.in_channels, 2 * self.out_channels)
        self.activation = build_activation(activation)
        self.gate_activation = nn.Sigmoid()

    def _fused_elu_gate(self) -> bool:
        """Whether `elu_gate` computes the product: ELU and sigmoid, run eagerly. Traced by
        ``torch.compile`` or an export, the plain ops are left to the compiler, which fuses
        them into one loop each way (a hand-written backward would keep it from doing so)."""
        return (
            isinstance(self.activation, ELU)
            and isinstance(self.gate_activation, nn.Sigmoid)
            and not torch.compiler.is_compiling()
        )

    def compute(self, x: Tensor) -> Tensor:
        """``activation(feature) * gate_activation(gate)`` of the fused conv's two halves."""
        both = self.conv(x)
        if self.groups == 1:
            # chunk's backward is one cat that keeps the conv's memory format; unbind's (below)
            # stacks into a contiguous tensor that is then copied (~15% slower fwd+bwd)
            feature, gate = both.chunk(2, dim=1)
            if self._fused_elu_gate():
                return elu_gate(both, self.gate_activation(gate.detach()))
        else:
            per_group = both.unflatten(1, (self.groups, 2, self.out_channels // self.groups))
            feature, gate = (t.flatten(1, 2) for t in per_group.unbind(2))
        return self.activation(feature) * self.gate_activation(gate)
