"""Deformable convolution, v1 and modulated v2.

Dai et al., "Deformable Convolutional Networks" (ICCV 2017) and Zhu et al., "Deformable
ConvNets v2: More Deformable, Better Results" (CVPR 2019), computed by
``torchvision.ops.deform_conv2d`` on CUDA and by the equivalent
:func:`~inpaint.layers.deformable_sampling.sampled_deform_conv2d` elsewhere (torchvision's CPU
kernel runs its backward pass on one thread: 50-90x a standard conv's forward+backward, against
4-5x for the gather-and-GEMM version on 2 cores); under ``torch.export`` (ONNX export) by the
same function's ``grid_sample`` form. A plain conv,
``offset_conv``, predicts from ``x`` the sampling offsets (and, for v2, the modulation
scalars) with the main conv's kernel, stride, padding and dilation. It is zero-initialised,
so a fresh layer samples the regular grid: v1 then equals a standard conv with the same
weights, and v2 equals ``0.5 * conv(x, weight) + bias`` because the modulation is
``sigmoid(0) = 0.5`` (as the DCN v2 paper notes for its zero-initialised offset layer).
"""

from __future__ import annotations

import math
from functools import partial
from typing import Any

import torch
from torch import Tensor, nn
from torch.nn import init
from torchvision.ops import deform_conv2d

from .base import MaskAgnosticConv
from .checks import check_positive_int
from .deformable_sampling import sampled_deform_conv2d


class DeformableConv2d(MaskAgnosticConv):
    """Deformable convolution whose offsets are predicted from the input.

    Args:
        in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias: as
            ``nn.Conv2d``.
        modulated (bool): DCN v2; ``offset_conv`` also predicts one modulation scalar per
            kernel tap and offset group, passed through a sigmoid. Default: ``False``
        offset_groups (int): groups of input channels sharing one offset field; must divide
            ``in_channels``. Default: 1

    Attributes:
        weight (Tensor[out_channels, in_channels // groups, kh, kw]), bias (Tensor[out_channels]
            or None): the deformable conv's parameters.
        offset_conv (nn.Conv2d): ``in_channels -> (2 or 3) * offset_groups * kh * kw``. Output
            channels ``[:2 * offset_groups * kh * kw]`` are the offsets in torchvision's layout
            (per offset group, per kernel tap, ``(dy, dx)``); with ``modulated`` the remaining
            ``offset_groups * kh * kw`` channels are the modulation logits.
    """

    def __init__(
        self,
        *conv_args: Any,
        modulated: bool = False,
        offset_groups: int = 1,
        **conv_kwargs: Any,
    ) -> None:
        super().__init__(*conv_args, **conv_kwargs)
        check_positive_int(offset_groups, "offset_groups")
        in_channels, out_channels = self.in_channels, self.out_channels
        if in_channels % offset_groups:
            raise ValueError(
                f"in_channels ({in_channels}) must be divisible by offset_groups ({offset_groups})"
            )
        self.modulated = modulated
        self.offset_groups = offset_groups
        kh, kw = self.kernel_size
        self.weight = nn.Parameter(torch.empty(out_channels, in_channels // self.groups, kh, kw))
        self.bias = nn.Parameter(torch.empty(out_channels)) if self.has_bias else None
        taps = offset_groups * kh * kw
        self.offset_conv = self.make_conv(
            in_channels, (3 if modulated else 2) * taps, groups=1, bias=True
        )
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """``nn.Conv2d`` initialisation for ``weight``/``bias``; zeros for ``offset_conv``."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            bound = 1 / math.sqrt(fan_in)
            init.uniform_(self.bias, -bound, bound)
        init.zeros_(self.offset_conv.weight)
        init.zeros_(self.offset_conv.bias)

    def compute(self, x: Tensor) -> Tensor:
        # Sampling runs in the weight's dtype: under autocast offset_conv returns half precision
        # while x may be float32, and both paths need one dtype (torchvision's autocast kernel,
        # which computes in float32, exists for CUDA only).
        dtype = self.weight.dtype
        offset = self.offset_conv(x).to(dtype)
        modulation = None
        if self.modulated:
            taps = self.offset_groups * self.kernel_size[0] * self.kernel_size[1]
            offset, logits = offset.split([2 * taps, taps], dim=1)
            modulation = torch.sigmoid(logits)
        if torch.compiler.is_exporting():
            # torchvision's kernel has no ONNX form, and padding to powers of two would fix H
            # and W to the traced example's
            deform = partial(sampled_deform_conv2d, exact_integer_grid=False)
        else:
            deform = deform_conv2d if x.is_cuda else sampled_deform_conv2d
        return deform(
            x.to(dtype),
            offset,
            self.weight,
            self.bias,
            self.stride,
            self.padding,
            self.dilation,
            modulation,
        )

    def extra_repr(self) -> str:
        s = super().extra_repr() + (", modulated=True" if self.modulated else "")
        return s + (f", offset_groups={self.offset_groups}" if self.offset_groups != 1 else "")
