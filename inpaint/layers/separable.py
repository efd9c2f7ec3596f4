"""Depthwise-separable convolution.

Sifre, "Rigid-Motion Scattering for Image Classification" (PhD thesis, 2014); Chollet,
"Xception: Deep Learning with Depthwise Separable Convolutions" (CVPR 2017); Howard et al.,
"MobileNets" (2017). A ``k x k`` depthwise conv (one filter per input channel) followed by a
1x1 pointwise conv: ``C_in * k * k + C_in * C_out / groups`` weights instead of
``C_in * C_out * k * k``. No activation sits between the two, so the layer is a drop-in
(low-rank) replacement of one convolution.
"""

from __future__ import annotations

from torch import Tensor, nn

from .base import MaskAgnosticConv
from .checks import IntPair


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

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: IntPair,
        stride: IntPair = 1,
        padding: IntPair = 0,
        dilation: IntPair = 1,
        groups: int = 1,
        bias: bool = True,
    ) -> None:
        super().__init__(
            in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias
        )
        self.depthwise = nn.Conv2d(
            in_channels, in_channels, kernel_size, stride, padding, dilation, in_channels, False
        )
        self.pointwise = nn.Conv2d(in_channels, out_channels, 1, groups=groups, bias=bias)

    def compute(self, x: Tensor) -> Tensor:
        return self.pointwise(self.depthwise(x))
