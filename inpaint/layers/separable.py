"""Depthwise-separable convolution.

Sifre, "Rigid-Motion Scattering for Image Classification" (PhD thesis, 2014); Chollet,
"Xception: Deep Learning with Depthwise Separable Convolutions" (CVPR 2017); Howard et al.,
"MobileNets" (2017). A ``k x k`` depthwise conv (one filter per input channel) followed by a
1x1 pointwise conv: ``C_in * k * k + C_in * C_out / groups`` weights instead of
``C_in * C_out * k * k``. No activation sits between the two, so the layer is a drop-in
(low-rank) replacement of one convolution.
"""

from __future__ import annotations

from typing import Any

from torch import Tensor, nn

from .base import MaskAgnosticConv


class SeparableConv2d(MaskAgnosticConv):
    """Depthwise ``k x k`` conv then pointwise 1x1 conv.

    Args:
        in_channels, out_channels, kernel_size, stride, padding, dilation: as ``nn.Conv2d``;
            kernel, stride, padding and dilation apply to the depthwise conv.
        groups (int): groups of the pointwise conv (grouped 1x1). Default: 1
        bias (bool): bias on the pointwise conv only; a depthwise bias would pass linearly
            into it (as in Keras ``SeparableConv2D``). Default: ``True``

    Attributes:
        depthwise (nn.Conv2d): ``in_channels -> in_channels``, ``groups=in_channels``, no bias.
        pointwise (nn.Conv2d): ``in_channels -> out_channels``, 1x1.
    """

    def __init__(self, *conv_args: Any, **conv_kwargs: Any) -> None:
        super().__init__(*conv_args, **conv_kwargs)
        channels = self.in_channels
        self.depthwise = self.make_conv(channels, channels, groups=channels, bias=False)
        self.pointwise = nn.Conv2d(
            channels, self.out_channels, 1, groups=self.groups, bias=self.has_bias
        )

    def compute(self, x: Tensor) -> Tensor:
        return self.pointwise(self.depthwise(x))
